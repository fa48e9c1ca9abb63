/** The panel's toolbar: the traced target, the Python it ran on, and the zoom buttons. */
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
  toolbar.append(title, python, buttons);
  return { toolbar, title, python };
}
