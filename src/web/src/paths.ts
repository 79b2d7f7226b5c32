// Where the page is and where its APIs are. The page is served at .../view/ and .../admin/; the
// APIs are found relative to that, so a reverse proxy may mount the dashboard on any subpath.

export type Mode = 'view' | 'admin';

const pageDir = new URL('.', window.location.href);

export const mode: Mode = /\/admin\/$/.test(pageDir.pathname) ? 'admin' : 'view';

export const viewApi = new URL('../view/api/', pageDir);
export const adminApi = new URL('../admin/api/', pageDir);
export const viewPage = new URL('../view/', pageDir);
export const adminPage = new URL('../admin/', pageDir);
