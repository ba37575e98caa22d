/** The build profiles' names: a leaf module, so profile tables of each stage can name them without a circle. */
export type ProfileName = 'smoke' | 'mini' | 'paper';
export const PROFILE_NAMES: ProfileName[] = ['smoke', 'mini', 'paper'];
