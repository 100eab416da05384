// The API key: taken once from ?key= in the address, kept in sessionStorage
// (this tab only, gone when it closes) and removed from the address bar so it
// does not stay in history, bookmarks or screenshots.

const STORAGE = 'vnstock.apiKey';

/** Returns the API key ('' when none), moving ?key= into sessionStorage. */
export function takeKey(win = window) {
  let store = null;
  try {
    store = win.sessionStorage;
  } catch {
    store = null; // storage disabled: the key lives for this page only
  }
  const url = new URL(win.location.href);
  let key = url.searchParams.get('key');
  if (key !== null) {
    url.searchParams.delete('key');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    if (store) {
      if (key) store.setItem(STORAGE, key);
      else store.removeItem(STORAGE);
    }
    return key;
  }
  key = store ? store.getItem(STORAGE) : '';
  return key || '';
}
