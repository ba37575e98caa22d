// The task queues. Kept here (not in infra) because workflow code is bundled apart and imports nothing else.
export const CPU_QUEUE = 'dlrec-cpu';
export const GPU_QUEUE = 'dlrec-gpu';
