/** The command's id (package.json contributes it): one home for the menus, the CodeLens and the panel's Run again. */
export const COMMAND = 'interleave.runConcurrently';
/** Be the Scheduler…: run once, pick an order of the lines, run it forced (package.json contributes it too). */
export const SCHEDULER_COMMAND = 'interleave.beTheScheduler';
