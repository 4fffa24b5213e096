// The API lives under /api/: bearer tokens and JSON there, sessions and HTML everywhere else.
export const API_PREFIX = '/api/';

export function isApiPath(path: string): boolean {
  return path.startsWith(API_PREFIX);
}
