export interface BackendInfo {
  name: string;
  available: boolean;
  selected?: boolean;
  note?: string;
}

/** The training backends found on this machine (filled by the training engine). */
export async function listTrainingBackends(): Promise<BackendInfo[]> {
  return [];
}
