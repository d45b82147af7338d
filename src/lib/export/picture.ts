/**
 * A panel of the page as one standalone picture: an SVG document that opens correctly on its own
 * (in a browser, Inkscape or a slide), and a PNG drawn from it. Browser-only (it reads the laid-out
 * DOM); the pure parts are exported for the unit tests.
 *
 * How a panel becomes one SVG, walking its DOM in document order:
 * - each chart `<svg>` is copied with the computed styles that matter written inline (fill,
 *   stroke, dashes, fonts, …), so classes, CSS variables, `light-dark()` and `currentColor` are
 *   resolved to the colours of the theme on screen; it is placed where it sits in the panel;
 * - each `<canvas>` (the heatmaps, the gradient history) is embedded as its raster, a PNG `<image>`
 *   with the canvas's own pixels (one image rather than a rect per cell: a 300 × 500 history would
 *   be 150 000 rects; the pixels are exactly what the canvas shows);
 * - HTML text (titles, legends, readouts) becomes `<text>` at its laid-out position, in its
 *   computed font and colour; background colours and the CSS gradients of colour legends become
 *   rects;
 * - controls (buttons, menus, text boxes) and anything marked `data-export-ignore` are left out.
 * The panel's background colour is the picture's background, so a dark-theme export stays legible.
 */

/** Presentation properties copied from the computed style onto every SVG element. */
export const SVG_STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant-numeric',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
  'baseline-shift',
  'paint-order',
  'shape-rendering',
  'image-rendering',
  'visibility',
  'vector-effect',
  'stop-color',
  'stop-opacity'
] as const;

/** Properties a child does not inherit from its parent (CSS and SVG 2). */
const NOT_INHERITED = new Set([
  'opacity',
  'baseline-shift',
  'vector-effect',
  'stop-color',
  'stop-opacity'
]);

/** Initial values, as `getComputedStyle` writes them: a property at its initial value is left out. */
const INITIAL: Readonly<Record<string, string>> = {
  fill: 'rgb(0, 0, 0)',
  'fill-opacity': '1',
  'fill-rule': 'nonzero',
  stroke: 'none',
  'stroke-width': '1px',
  'stroke-opacity': '1',
  'stroke-dasharray': 'none',
  'stroke-dashoffset': '0px',
  'stroke-linecap': 'butt',
  'stroke-linejoin': 'miter',
  'stroke-miterlimit': '4',
  opacity: '1',
  'font-style': 'normal',
  'font-weight': '400',
  'font-variant-numeric': 'normal',
  'letter-spacing': 'normal',
  'text-anchor': 'start',
  'dominant-baseline': 'auto',
  'baseline-shift': '0px',
  'paint-order': 'normal',
  'shape-rendering': 'auto',
  'image-rendering': 'auto',
  visibility: 'visible',
  'vector-effect': 'none',
  'stop-color': 'rgb(0, 0, 0)',
  'stop-opacity': '1'
};

/** Attributes whose value may name a CSS variable or `currentColor` (resolved on export). */
const PAINT_ATTRIBUTES = ['fill', 'stroke', 'stop-color', 'color', 'flood-color'];

/**
 * What is never drawn into a picture: controls, their labels and groups, and what asks to be left
 * out.
 */
export const EXPORT_IGNORE = [
  '[data-export-ignore]',
  'button',
  'select',
  'input',
  'textarea',
  'label',
  'details',
  'dialog',
  'script',
  'style',
  'template',
  '[role="group"]:has(button, input, select)'
].join(', ');

/**
 * The inline style of one SVG element: each property whose computed value differs from what the
 * element would get anyway (its parent's value for inherited properties, the initial value for
 * the others), as `name: value` pairs.
 */
export function inlineStyle(
  computed: (property: string) => string,
  parent: ((property: string) => string) | null
): string {
  const parts: string[] = [];
  for (const property of SVG_STYLE_PROPERTIES) {
    const value = computed(property);
    if (!value) continue;
    const inherited = !NOT_INHERITED.has(property) && parent !== null;
    const baseline = inherited ? parent!(property) : INITIAL[property];
    if (value !== baseline) parts.push(`${property}: ${value}`);
  }
  return parts.join('; ');
}

/** One colour stop of a CSS gradient. */
export interface GradientStop {
  colour: string;
  /** Offset in [0, 1]. */
  offset: number;
}

/**
 * The stops of a computed `linear-gradient(to right, rgb(…) 0%, …)` (the colour legends), or null
 * for anything else (other directions, angles, repeating or radial gradients). Stops without a
 * position are spread evenly between their neighbours, as CSS does.
 */
export function parseLinearGradient(
  css: string
): { direction: 'right' | 'bottom'; stops: GradientStop[] } | null {
  const match = /^linear-gradient\((.*)\)$/.exec(css.trim());
  if (!match) return null;
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of match[1]) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  let direction: 'right' | 'bottom' = 'bottom';
  if (/^to right$/.test(parts[0]) || parts[0] === '90deg') {
    direction = 'right';
    parts.shift();
  } else if (/^to bottom$/.test(parts[0]) || parts[0] === '180deg') parts.shift();
  else if (/^(to |-?[\d.]+(deg|turn|rad))/.test(parts[0])) return null;
  if (parts.length < 2) return null;
  const raw = parts.map((part) => {
    const stop = /^(.*\))\s+(-?[\d.]+)%$/.exec(part) ?? /^(\S+)\s+(-?[\d.]+)%$/.exec(part);
    return stop
      ? { colour: stop[1], offset: Number(stop[2]) / 100 }
      : { colour: part, offset: NaN };
  });
  if (Number.isNaN(raw[0].offset)) raw[0].offset = 0;
  if (Number.isNaN(raw[raw.length - 1].offset)) raw[raw.length - 1].offset = 1;
  for (let i = 1; i < raw.length - 1; i++) {
    if (!Number.isNaN(raw[i].offset)) continue;
    let j = i;
    while (Number.isNaN(raw[j].offset)) j++;
    const from = raw[i - 1].offset;
    const step = (raw[j].offset - from) / (j - i + 1);
    for (let k = i; k < j; k++) raw[k].offset = from + step * (k - i + 1);
  }
  return { direction, stops: raw };
}

/** A colour is drawn: not `transparent`, not an rgba/colour() with alpha 0. */
export function isPainted(colour: string): boolean {
  if (!colour || colour === 'transparent' || colour === 'none') return false;
  const alpha = /^rgba\([^)]*,\s*([\d.]+)\)$/.exec(colour) ?? /\/\s*([\d.]+)\)$/.exec(colour);
  return !alpha || Number(alpha[1]) > 0;
}

/** Rounds a pixel coordinate to 2 decimals, for a compact file. */
export const px = (value: number): string => String(Math.round(value * 100) / 100);

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The picture of a panel. */
export interface Picture {
  /** The SVG document's text. */
  svg: string;
  /** CSS pixels. */
  width: number;
  height: number;
}

interface Context {
  doc: Document;
  root: SVGSVGElement;
  defs: SVGDefsElement;
  origin: DOMRect;
  /** Font metrics by CSS font shorthand: ascent and descent, px. */
  metrics: Map<string, { ascent: number; descent: number }>;
  measure: CanvasRenderingContext2D | null;
  gradients: number;
}

function element<K extends keyof SVGElementTagNameMap>(
  context: Context,
  name: K,
  attributes: Record<string, string | number>
): SVGElementTagNameMap[K] {
  const node = context.doc.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/** A copy of a chart `<svg>` with its computed styles inline, placed at `rect`. */
function inlineSvg(
  source: SVGSVGElement,
  rect: DOMRect,
  context: Context,
  opacity: number
): SVGSVGElement {
  const copy = source.cloneNode(true) as SVGSVGElement;
  const originals = [source, ...source.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  const styles = new Map<Element, CSSStyleDeclaration>();
  const styleOf = (el: Element) => {
    let style = styles.get(el);
    if (!style) {
      style = getComputedStyle(el);
      styles.set(el, style);
    }
    return style;
  };
  const hidden: Element[] = [];
  originals.forEach((original, i) => {
    const target = copies[i];
    const style = styleOf(original);
    if (style.display === 'none') {
      hidden.push(target);
      return;
    }
    const parent =
      original === source || !original.parentElement ? null : styleOf(original.parentElement);
    const inline = inlineStyle(
      (p) => style.getPropertyValue(p),
      parent ? (p) => parent.getPropertyValue(p) : null
    );
    if (inline) target.setAttribute('style', inline);
    else target.removeAttribute('style');
    for (const attribute of PAINT_ATTRIBUTES) {
      const value = target.getAttribute(attribute);
      if (value && /var\(|currentcolor/i.test(value))
        target.setAttribute(attribute, style.getPropertyValue(attribute) || 'none');
    }
  });
  for (const node of hidden) node.remove();
  // The framework's markers (`<!--[-->`) mean nothing in a file.
  const comments = context.doc.createTreeWalker(copy, NodeFilter.SHOW_COMMENT);
  const markers: Node[] = [];
  while (comments.nextNode()) markers.push(comments.currentNode);
  for (const marker of markers) marker.parentNode?.removeChild(marker);
  copy.setAttribute('x', px(rect.left - context.origin.left));
  copy.setAttribute('y', px(rect.top - context.origin.top));
  copy.setAttribute('width', px(rect.width));
  copy.setAttribute('height', px(rect.height));
  if (styleOf(source).overflow === 'visible') copy.setAttribute('overflow', 'visible');
  if (opacity < 1) copy.setAttribute('opacity', px(opacity));
  copy.removeAttribute('class');
  return copy;
}

/** A canvas's pixels as an `<image>` at its laid-out place and size. */
function canvasImage(canvas: HTMLCanvasElement, rect: DOMRect, context: Context): SVGImageElement {
  const image = element(context, 'image', {
    x: px(rect.left - context.origin.left),
    y: px(rect.top - context.origin.top),
    width: px(rect.width),
    height: px(rect.height),
    preserveAspectRatio: 'none',
    style: `image-rendering: ${getComputedStyle(canvas).imageRendering || 'auto'}`
  });
  let data = '';
  try {
    data = canvas.width > 0 && canvas.height > 0 ? canvas.toDataURL('image/png') : '';
  } catch {
    // A tainted canvas cannot be read; the picture has a hole there.
  }
  image.setAttribute('href', data);
  const label = canvas.getAttribute('data-name') ?? canvas.textContent?.trim();
  if (label) image.setAttribute('aria-label', label);
  return image;
}

/** Ascent and descent of a font, px (to put SVG text on the HTML text's baseline). */
function fontMetrics(style: CSSStyleDeclaration, context: Context) {
  const font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  let metrics = context.metrics.get(font);
  if (!metrics) {
    const size = parseFloat(style.fontSize) || 16;
    metrics = { ascent: 0.8 * size, descent: 0.2 * size };
    if (context.measure) {
      context.measure.font = font;
      const m = context.measure.measureText('Hg');
      if (m.fontBoundingBoxAscent > 0)
        metrics = { ascent: m.fontBoundingBoxAscent, descent: m.fontBoundingBoxDescent };
    }
    context.metrics.set(font, metrics);
  }
  return metrics;
}

/** The visible words of a text node, one `<text>` per laid-out line. */
function textLines(node: Text, style: CSSStyleDeclaration, context: Context, opacity: number) {
  const out: SVGTextElement[] = [];
  const range = context.doc.createRange();
  let text = node.data;
  if (style.textTransform === 'uppercase') text = text.toUpperCase();
  else if (style.textTransform === 'lowercase') text = text.toLowerCase();
  const lines: { left: number; top: number; height: number; words: string[] }[] = [];
  for (const match of node.data.matchAll(/\S+/g)) {
    range.setStart(node, match.index);
    range.setEnd(node, match.index + match[0].length);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const word = text.slice(match.index, match.index + match[0].length);
    const line = lines.at(-1);
    if (line && Math.abs(line.top - rect.top) < 1) line.words.push(word);
    else lines.push({ left: rect.left, top: rect.top, height: rect.height, words: [word] });
  }
  if (lines.length === 0) return out;
  const { ascent, descent } = fontMetrics(style, context);
  for (const line of lines) {
    const baseline = line.top + (line.height - ascent - descent) / 2 + ascent;
    const attributes: Record<string, string> = {
      x: px(line.left - context.origin.left),
      y: px(baseline - context.origin.top),
      fill: style.color,
      'font-family': style.fontFamily,
      'font-size': style.fontSize,
      'font-weight': style.fontWeight
    };
    if (style.fontStyle !== 'normal') attributes['font-style'] = style.fontStyle;
    if (style.fontVariantNumeric !== 'normal')
      attributes['font-variant-numeric'] = style.fontVariantNumeric;
    if (opacity < 1) attributes.opacity = px(opacity);
    const element_ = element(context, 'text', attributes);
    element_.textContent = line.words.join(' ');
    out.push(element_);
  }
  return out;
}

/** A box's background colour or colour-legend gradient, and a uniform solid border, as a rect. */
function boxRect(el: Element, style: CSSStyleDeclaration, context: Context, opacity: number) {
  const rect = el.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return null;
  let fill: string | null = isPainted(style.backgroundColor) ? style.backgroundColor : null;
  const gradient = parseLinearGradient(style.backgroundImage);
  if (gradient) {
    const id = `export-gradient-${context.gradients++}`;
    const definition = element(context, 'linearGradient', {
      id,
      x1: 0,
      y1: 0,
      x2: gradient.direction === 'right' ? 1 : 0,
      y2: gradient.direction === 'right' ? 0 : 1
    });
    for (const stop of gradient.stops)
      definition.append(
        element(context, 'stop', { offset: px(stop.offset), 'stop-color': stop.colour })
      );
    context.defs.append(definition);
    fill = `url(#${id})`;
  }
  const width = parseFloat(style.borderTopWidth) || 0;
  const border =
    width > 0 &&
    style.borderTopStyle === 'solid' &&
    ['Right', 'Bottom', 'Left'].every(
      (side) =>
        style.getPropertyValue(`border-${side.toLowerCase()}-width`) === style.borderTopWidth &&
        style.getPropertyValue(`border-${side.toLowerCase()}-style`) === 'solid'
    ) &&
    isPainted(style.borderTopColor);
  if (!fill && !border) return null;
  const attributes: Record<string, string> = {
    x: px(rect.left - context.origin.left + (border ? width / 2 : 0)),
    y: px(rect.top - context.origin.top + (border ? width / 2 : 0)),
    width: px(Math.max(0, rect.width - (border ? width : 0))),
    height: px(Math.max(0, rect.height - (border ? width : 0))),
    fill: fill ?? 'none'
  };
  const radius = parseFloat(style.borderTopLeftRadius) || 0;
  if (radius > 0) attributes.rx = px(radius);
  if (border) {
    attributes.stroke = style.borderTopColor;
    attributes['stroke-width'] = px(width);
  }
  if (opacity < 1) attributes.opacity = px(opacity);
  return element(context, 'rect', attributes);
}

/** Draws `node` and what is inside it into the picture, in document order. */
function draw(node: Node, context: Context, opacity: number, isRoot = false) {
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    if (!parent || !(node as Text).data.trim()) return;
    context.root.append(...textLines(node as Text, getComputedStyle(parent), context, opacity));
    return;
  }
  if (!(node instanceof Element)) return;
  if (node.matches(EXPORT_IGNORE)) return;
  const style = getComputedStyle(node);
  if (style.display === 'none' || style.visibility === 'hidden') return;
  const own = opacity * (Number(style.opacity) || 0);
  if (own === 0) return;
  // Text for screen readers only (clipped to a pixel) is not drawn.
  if (style.overflow === 'hidden') {
    const rect = node.getBoundingClientRect();
    if (rect.width <= 1 && rect.height <= 1) return;
  }
  if (node instanceof SVGSVGElement) {
    const rect = node.getBoundingClientRect();
    if (rect.width > 0 && rect.height > 0) context.root.append(inlineSvg(node, rect, context, own));
    return;
  }
  if (node instanceof HTMLCanvasElement) {
    const rect = node.getBoundingClientRect();
    if (rect.width > 0 && rect.height > 0) context.root.append(canvasImage(node, rect, context));
    return;
  }
  if (!isRoot) {
    const box = boxRect(node, style, context, own);
    if (box) context.root.append(box);
  }
  for (const child of node.childNodes) draw(child, context, own);
}

/** The background colour behind an element: its own, or the nearest painted ancestor's. */
function backgroundOf(el: Element): string {
  for (let node: Element | null = el; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (isPainted(colour)) return colour;
  }
  return 'rgb(255, 255, 255)';
}

/**
 * The panel as a standalone SVG document, the size it has on screen, titled `title`. What is
 * inside a `[data-export-ignore]` (the export buttons, an open table) is left out.
 */
export function panelPicture(panel: HTMLElement, title: string): Picture {
  const doc = panel.ownerDocument;
  const origin = panel.getBoundingClientRect();
  // The picture ends below the last thing drawn (not below the toolbar or an open table).
  const kept = [...panel.children].filter((child) => !child.matches(EXPORT_IGNORE));
  const panelStyle = getComputedStyle(panel);
  const bottom = kept.length
    ? Math.max(...kept.map((child) => child.getBoundingClientRect().bottom)) +
      (parseFloat(panelStyle.paddingBottom) || 0) +
      (parseFloat(panelStyle.borderBottomWidth) || 0)
    : origin.bottom;
  const width = Math.ceil(origin.width);
  const height = Math.ceil(Math.min(origin.bottom, bottom) - origin.top);
  const root = doc.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute('role', 'img');
  const titleElement = doc.createElementNS(SVG_NS, 'title');
  titleElement.textContent = title;
  const defs = doc.createElementNS(SVG_NS, 'defs');
  root.append(titleElement, defs);
  const context: Context = {
    doc,
    root,
    defs,
    origin,
    metrics: new Map(),
    measure: doc.createElement('canvas').getContext('2d'),
    gradients: 0
  };
  root.append(element(context, 'rect', { width, height, fill: backgroundOf(panel) }) as SVGElement);
  draw(panel, context, 1, true);
  if (defs.childNodes.length === 0) defs.remove();
  const svg = new XMLSerializer().serializeToString(root);
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`, width, height };
}

/** How many device pixels a PNG export has per CSS pixel: sharp on a projector and in print. */
export const PNG_SCALE = 2;

/** Draws a picture into a PNG of `scale` × its CSS size. */
export async function pictureToPng(picture: Picture, scale = PNG_SCALE): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([picture.svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(picture.width * scale);
    canvas.height = Math.round(picture.height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot draw into a canvas.');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be made.'))),
        'image/png'
      )
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob as a file: a temporary `<a download>` clicked, its URL freed afterwards. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
