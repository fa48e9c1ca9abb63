/** The panel's toolbar: the traced target, the Python it ran on, the zoom buttons and Export…. */
import { el } from './header';

export type ZoomAction = 'zoom-in' | 'zoom-out' | 'fit';

const BUTTONS: Array<[ZoomAction, string, string]> = [
  ['zoom-in', '+', 'Zoom in (+)'],
  ['zoom-out', '−', 'Zoom out (−)'],
  ['fit', 'Fit', 'Show the whole run (0)'],
];

export function renderToolbar(onCommand: (action: ZoomAction) => void): { toolbar: HTMLElement; title: HTMLElement; python: HTMLElement } {
  const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline' });
  const title = el('h1', { class: 'title' }, 'Interleave');
  const python = el('span', { class: 'python' });
  const buttons = el('div', { class: 'buttons' });
  for (const [action, label, hint] of BUTTONS) {
    const b = el('button', { type: 'button', 'data-action': action, title: hint, 'aria-label': hint }, label);
    b.addEventListener('click', () => onCommand(action));
    buttons.append(b);
  }
  // Hidden until a host that can save files enables it (the standalone report has none).
  buttons.append(el('button', { type: 'button', 'data-action': 'compare', title: "Compare this trace's orders with another trace's (a --json file, or a recording of the history)", hidden: '' }, 'Compare…'));
  buttons.append(el('button', { type: 'button', 'data-action': 'export', title: 'Export the trace, a report or an image of this view', hidden: '' }, 'Export…'));
  toolbar.append(title, python, buttons);
  return { toolbar, title, python };
}

/** Shows the Export… button in `root`'s toolbar; a click or Enter/Space calls `onExport`. */
export function enableExport(root: HTMLElement, onExport: () => void): void {
  enableButton(root, 'export', onExport);
}

/** Shows the Compare… button (Compare with Trace…: the host asks which trace). */
export function enableCompare(root: HTMLElement, onCompare: () => void): void {
  enableButton(root, 'compare', onCompare);
}

function enableButton(root: HTMLElement, action: string, onClick: () => void): void {
  const button = root.querySelector<HTMLButtonElement>(`.toolbar button[data-action="${action}"]`);
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', onClick);
}
