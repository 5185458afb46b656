/**
 * The server's base URL when `api-url` is not given: the widget is served from `<server>/widget/`,
 * so it is the folder above this file (every chunk sits flat in that folder).
 */
const here = import.meta.url;
// `here` is a variable so the bundler does not mistake this URL for an asset to copy.
export const defaultApiUrl = new URL('..', here).href;
