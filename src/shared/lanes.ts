import type { Model, WorkerInfo } from './trace';

/** A worker's lane as people read it: "Thread 1", "Process 2 · pid 4242". */
export function laneLabel(model: Model, w: Pick<WorkerInfo, 'worker' | 'pid'>): string {
  const n = w.worker + 1;
  const pid = w.pid ? ` · pid ${w.pid}` : '';
  switch (model) {
    case 'process':
      return `Process ${n}${pid}`;
    case 'process-pool':
      return `Pool task ${n}${pid}`;
    case 'thread':
      return `Thread ${n}`;
    case 'thread-pool':
      return `Pool thread ${n}`;
    case 'asyncio':
      return `Task ${n}`;
    case 'interpreter':
      return `Interpreter ${n}`;
    default:
      return `Call ${n}`;
  }
}
