/**
 * What the Share dialog offers to copy: a link to the explorer with the config in its hash, an
 * iframe of `/embed`, and the `<rnn-explorer>` element with its script. Pure string functions of
 * the app's address, the config hash and the embed options.
 */
import { embedQuery, type EmbedOptions } from './options';

/** The frame height of an iframe snippet, px: the explorer's header, a row of panels, controls. */
export const IFRAME_HEIGHT = 720;

/** Escapes text for an HTML attribute value in double quotes. */
export function escapeAttribute(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/** `url` with its fragment replaced by the config hash (none for the default config). */
export function shareLink(url: string, hash: string): string {
  const base = url.split('#')[0];
  return hash ? `${base}#${hash}` : base;
}

/** The address of `/embed` under the app's root (which ends with `/`) for these options. */
export function embedUrl(root: string, hash: string, options: Partial<EmbedOptions>): string {
  const query = embedQuery(options);
  return `${root}embed${query ? `?${query}` : ''}${hash ? `#${hash}` : ''}`;
}

/** An iframe of the embed: full width, a fixed height (the page may resize it; docs/embed.md). */
export function iframeSnippet(src: string, height = IFRAME_HEIGHT): string {
  return (
    `<iframe src="${escapeAttribute(src)}" title="RNN Explorer" width="100%" ` +
    `height="${height}" style="border: 0" loading="lazy"></iframe>`
  );
}

/** The element's script tag and the element, with the attributes of these options. */
export function elementSnippet(root: string, hash: string, options: Partial<EmbedOptions>): string {
  const attributes: string[] = [];
  if (hash) attributes.push(`config="${escapeAttribute(hash)}"`);
  if (options.preset) attributes.push(`preset="${escapeAttribute(options.preset)}"`);
  if (options.panels) attributes.push(`panels="${options.panels.join(',') || 'none'}"`);
  if (options.controls) attributes.push(`controls="${options.controls.join(',') || 'none'}"`);
  if (options.locked) attributes.push('lock');
  const open = ['rnn-explorer', ...attributes].join(' ');
  return (
    `<script src="${escapeAttribute(`${root}rnn-explorer.js`)}" defer></script>\n` +
    `<${open}></rnn-explorer>`
  );
}
