/**
 * Server-rendered markup made stable for snapshot tests: Svelte's hydration comments and scoped
 * class hashes removed, every decimal number rounded to 3 digits.
 */
export function normalizeMarkup(html: string): string {
  return html
    .replace(/<!--.*?-->/g, '')
    .replace(/\s*svelte-[a-z0-9]+/g, '')
    .replace(/ class=""/g, '')
    .replace(/-?\d+\.\d+(e-?\d+)?/g, (n) => String(Number(Number(n).toFixed(3))))
    .replace(/></g, '>\n<');
}

/** The value of `attribute` on every element whose markup contains `selector` (a plain substring). */
export function attributes(html: string, selector: string, attribute: string): string[] {
  const out: string[] = [];
  for (const match of html.matchAll(/<[a-z]+\b[^>]*>/g)) {
    const tag = match[0];
    if (!tag.includes(selector)) continue;
    const value = new RegExp(`\\s${attribute}="([^"]*)"`).exec(tag);
    if (value) out.push(value[1]);
  }
  return out;
}
