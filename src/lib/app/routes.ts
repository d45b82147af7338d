/**
 * Which of the site's other pages this build has. The normal build has them all; the single-file
 * build (`npm run build:single`) is the explorer page alone, so it swaps in routes.single.ts and
 * shows no link to a page it does not hold.
 */
export const HAS_COMPARE_PAGE = true;
