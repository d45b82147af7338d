// The single-file build's one page (svelte.config.js), prerendered like every page of the site.
export const prerender = true;
export const ssr = true;
