/**
 * The view as an image: what the panel shows of the timeline — its title, the time axis, each
 * run's header, lane labels with their swatches and lanes — as an SVG document (text as text, the axis as vectors,
 * each run's lanes canvas embedded as a PNG), or that SVG drawn on a canvas for a PNG. It is read
 * from the DOM as laid out, so it follows the view as it changes; the event list is left out.
 */
import type { ImageFormat } from '../../../src/shared/protocol';
import { readTheme } from './theme';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The parts of the page in the image, top to bottom. */
const PARTS = ':scope > .toolbar, :scope > .status, :scope > .timeline';
/** Controls and transient things: not part of the picture. */
const LEFT_OUT = 'button, .tooltip, [hidden], .event-list, .list-title';
const PAD = 12;
/** A PNG stays within what a canvas can hold everywhere. */
const MAX_SIDE = 16_384;
const MAX_PIXELS = 64e6;

export interface ViewImage {
  svg: string;
  width: number;
  height: number;
}

interface Origin {
  x: number;
  y: number;
}

/** Text as XML: markup escaped, and the control characters XML 1.0 cannot hold (a user's exception message may have them) dropped. */
// eslint-disable-next-line no-control-regex
const escapeXml = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
const seen = (color: string) => color !== '' && color !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(color);
const px = (n: number) => Math.round(n * 100) / 100;

function textAttributes(style: CSSStyleDeclaration): string {
  const italic = style.fontStyle === 'normal' ? '' : ` font-style="${escapeXml(style.fontStyle)}"`;
  return `font-family="${escapeXml(style.fontFamily)}" font-size="${escapeXml(style.fontSize)}" font-weight="${escapeXml(style.fontWeight)}"${italic} fill="${escapeXml(style.color)}"`;
}

/** A text node as one <text> per line box it occupies (a wrapped verdict stays wrapped). */
function textItems(node: Text, style: CSSStyleDeclaration, o: Origin, out: string[]): void {
  const raw = node.data;
  const range = document.createRange();
  const lines: Array<{ x: number; y: number; text: string }> = [];
  for (const m of raw.matchAll(/\S+/g)) {
    range.setStart(node, m.index!);
    range.setEnd(node, m.index! + m[0].length);
    const r = range.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const y = r.top + r.height / 2;
    const line = lines.at(-1);
    if (line && Math.abs(line.y - y) < 2) line.text += ` ${m[0]}`;
    else lines.push({ x: r.left, y, text: m[0] });
  }
  const attrs = textAttributes(style);
  for (const l of lines) out.push(`<text x="${px(l.x - o.x)}" y="${px(l.y - o.y)}" dominant-baseline="central" xml:space="preserve" ${attrs}>${escapeXml(l.text)}</text>`);
}

/** Backgrounds (a colour, or a picture such as a worker's swatch) and top borders: the boxes a reader sees. */
function boxItems(el: Element, style: CSSStyleDeclaration, o: Origin, out: string[]): void {
  const r = el.getBoundingClientRect();
  const box = `x="${px(r.left - o.x)}" y="${px(r.top - o.y)}" width="${px(r.width)}"`;
  if (seen(style.backgroundColor) && el !== document.body) out.push(`<rect ${box} height="${px(r.height)}" fill="${escapeXml(style.backgroundColor)}"/>`);
  const picture = /^url\("?(data:[^")]+)"?\)$/.exec(style.backgroundImage);
  if (picture && r.width && r.height) out.push(`<image ${box} height="${px(r.height)}" preserveAspectRatio="none" opacity="${style.opacity}" xlink:href="${escapeXml(picture[1])}"/>`);
  const top = parseFloat(style.borderTopWidth);
  if (top > 0 && seen(style.borderTopColor)) out.push(`<rect ${box} height="${top}" fill="${escapeXml(style.borderTopColor)}"/>`);
}

/** An inline SVG (the axis) with its computed styles written onto it: CSS does not travel. */
function svgItem(svg: SVGSVGElement, o: Origin, out: string[]): void {
  const r = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const s = getComputedStyle(el);
    to[i].setAttribute('style', `fill:${s.fill};stroke:${s.stroke};opacity:${s.opacity};font-family:${s.fontFamily};font-size:${s.fontSize}`);
    to[i].removeAttribute('class');
  });
  copy.setAttribute('x', String(px(r.left - o.x)));
  copy.setAttribute('y', String(px(r.top - o.y)));
  copy.setAttribute('width', String(px(r.width)));
  copy.setAttribute('height', String(px(r.height)));
  copy.setAttribute('overflow', 'visible');
  out.push(new XMLSerializer().serializeToString(copy));
}

function canvasItem(canvas: HTMLCanvasElement, o: Origin, out: string[]): void {
  const r = canvas.getBoundingClientRect();
  if (!canvas.width || !canvas.height || !r.width) return;
  out.push(`<image x="${px(r.left - o.x)}" y="${px(r.top - o.y)}" width="${px(r.width)}" height="${px(r.height)}" preserveAspectRatio="none" xlink:href="${canvas.toDataURL('image/png')}"/>`);
}

function collect(el: Element, o: Origin, out: string[]): void {
  if (el.matches(LEFT_OUT)) return;
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden') return;
  if (el instanceof HTMLCanvasElement) return canvasItem(el, o, out);
  if (el instanceof SVGSVGElement) return svgItem(el, o, out);
  boxItems(el, style, o, out);
  for (const child of el.childNodes) {
    if (child instanceof Text && child.data.trim()) textItems(child, style, o, out);
    else if (child instanceof Element) collect(child, o, out);
  }
}

function pageBackground(): string {
  const body = getComputedStyle(document.body).backgroundColor;
  return seen(body) ? body : readTheme().background;
}

/** The view as an SVG document, laid out as it is on the screen. */
export function viewSvg(root: HTMLElement): ViewImage {
  const parts = [...root.querySelectorAll(PARTS)];
  if (!parts.length) throw new Error('there is no timeline to draw');
  // measured with the page at its top: the sticky axis sits where it belongs, above the runs
  const { scrollX, scrollY } = window;
  window.scrollTo(0, 0);
  try {
    const boxes = parts.map((p) => p.getBoundingClientRect());
    const left = Math.min(...boxes.map((b) => b.left));
    const top = Math.min(...boxes.map((b) => b.top));
    const width = Math.ceil(Math.max(...boxes.map((b) => b.right)) - left + 2 * PAD);
    const height = Math.ceil(Math.max(...boxes.map((b) => b.bottom)) - top + 2 * PAD);
    const items: string[] = [];
    for (const part of parts) collect(part, { x: left - PAD, y: top - PAD }, items);
    const head = `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
    const svg = `<?xml version="1.0" encoding="UTF-8"?>\n${head}<rect width="100%" height="100%" fill="${escapeXml(pageBackground())}"/>${items.join('')}</svg>\n`;
    return { svg, width, height };
  } finally {
    window.scrollTo(scrollX, scrollY);
  }
}

/** The SVG drawn on a canvas at the screen's pixel ratio (less when it would not fit a canvas). */
export async function viewPng(image: ViewImage, ratio = window.devicePixelRatio || 1): Promise<Uint8Array> {
  const scale = Math.min(ratio, MAX_SIDE / image.width, MAX_SIDE / image.height, Math.sqrt(MAX_PIXELS / (image.width * image.height)));
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(image.svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(image.width * scale));
  canvas.height = Math.max(1, Math.round(image.height * scale));
  canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error(`the image (${canvas.width} × ${canvas.height} px) is too large to encode`);
  return new Uint8Array(await blob.arrayBuffer());
}

/** The file's bytes for an image of the view. */
export async function exportImage(root: HTMLElement, format: ImageFormat): Promise<Uint8Array> {
  const image = viewSvg(root);
  return format === 'svg' ? new TextEncoder().encode(image.svg) : viewPng(image);
}
