/**
 * The server's base URL when `api-url` is not given: the widget is served from `<server>/widget/`
 * or a versioned folder of it (`<server>/widget/v1/`, `<server>/widget/<version>/`), so it is what
 * comes before `/widget/` (else the folder above this file: every chunk sits flat in one folder).
 */
const here = import.meta.url;
const widgetAt = here.lastIndexOf('/widget/');
// `here` is a variable so the bundler does not mistake this URL for an asset to copy.
export const defaultApiUrl = widgetAt === -1 ? new URL('..', here).href : here.slice(0, widgetAt + 1);
