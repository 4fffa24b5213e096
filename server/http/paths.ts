// The API lives under /api/: bearer tokens and JSON there, sessions and HTML everywhere else.
export const API_PREFIX = '/api/';

/**
 * Express matches routes whatever their letter case, so /API/v1/me reaches the API's handler:
 * it must be an API path here too (bearer token, no session), or it would be served as a page.
 */
export function isApiPath(path: string): boolean {
  return path.slice(0, API_PREFIX.length).toLowerCase() === API_PREFIX;
}
