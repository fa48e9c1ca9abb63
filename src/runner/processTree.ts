/**
 * Ending a run's processes. The harness is started as the leader of a process group of its own,
 * and (on Linux) makes itself the run's child subreaper: whatever the run starts stays below it,
 * even in another session (`os.setsid`) or after its parent has gone. Here they are found by
 * their parents in /proc, frozen so that none can fork or be reparented away meanwhile, and
 * killed with the group. Without /proc, the group is what is killed.
 */
import * as fs from 'node:fs';

/** Every live process below `root` (by the parent pids in `proc`); null where there is no /proc. */
export function descendantsOf(root: number, proc = '/proc'): number[] | null {
  let names: string[];
  try {
    names = fs.readdirSync(proc);
  } catch {
    return null;
  }
  const children = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`${proc}/${name}/stat`, 'latin1');
    } catch {
      continue; // it ended meanwhile
    }
    // "pid (comm) state ppid …": the command name may hold spaces and parentheses
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === undefined || state === 'Z' || state === 'X') continue; // dead: nothing to end
    const list = children.get(Number(ppid)) ?? [];
    list.push(Number(name));
    children.set(Number(ppid), list);
  }
  const found: number[] = [];
  const todo = [root];
  while (todo.length) {
    for (const child of children.get(todo.pop()!) ?? []) {
      found.push(child);
      todo.push(child);
    }
  }
  return found;
}

/**
 * Ends `root` (a live, not yet reaped process: its pid cannot have been reused), its process
 * group, and every process below it in any session.
 */
export function endProcessTree(root: number, proc = '/proc'): void {
  if (process.platform === 'win32') {
    signal(root, 'SIGKILL');
    return;
  }
  signal(-root, 'SIGSTOP');
  const frozen = new Set<number>([root]);
  for (let round = 0; round < 100; round++) {
    const fresh = (descendantsOf(root, proc) ?? []).filter((pid) => !frozen.has(pid));
    if (!fresh.length) break;
    for (const pid of fresh) {
      signal(pid, 'SIGSTOP');
      frozen.add(pid);
    }
  }
  signal(-root, 'SIGKILL');
  for (const pid of frozen) signal(pid, 'SIGKILL');
}

/** Kills the process group led by `leader` (all that can be done once the leader is reaped). */
export function killGroup(leader: number): void {
  signal(process.platform === 'win32' ? leader : -leader, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already, or not ours to signal
  }
}
