// Long lists a page at a time, so that no page grows with the data (issue 13): which rows page N
// shows (read from the query string), and the links to the other pages — plain links that keep
// every other parameter of the address (sort, filter, date), so paging works without JavaScript.
// Which page numbers to offer (first, last, neighbours, gaps) is ultimate-pagination's model.
import type { Request } from 'express';
import { getPaginationModel } from 'ultimate-pagination';

/** Rows a page shows unless a list says otherwise: a page of the widest table stays near 150 KB. */
export const PAGE_SIZE = 100;

export interface PageWindow {
  /** 1-based; a number past the last page shows the last, anything that is not a number the first. */
  number: number;
  count: number;
  size: number;
  total: number;
  /** Rows before this page. */
  offset: number;
}

export function pageWindow(raw: unknown, total: number, size = PAGE_SIZE): PageWindow {
  const count = Math.max(1, Math.ceil(total / size));
  const asked = typeof raw === 'string' ? Math.floor(Number(raw)) : NaN;
  const number = Number.isFinite(asked) ? Math.min(count, Math.max(1, asked)) : 1;
  return { number, count, size, total, offset: (number - 1) * size };
}

/** The window that holds the row at `index` (0-based), e.g. a row whose form was refused. */
export function windowHolding(index: number, total: number, size = PAGE_SIZE): PageWindow {
  return pageWindow(String(Math.floor(index / size) + 1), total, size);
}

export type PaginationItem = { gap: true } | { gap: false; number: number; href: string; current: boolean };

export interface PaginationView {
  /** Names the navigation for screen readers ("Pages of Users"). */
  label: string;
  /** False when everything fits on one page: then there are no links to show. */
  many: boolean;
  current: number;
  count: number;
  /** Positions (1-based) of the first and last rows shown, and the rows in all. */
  first: number;
  last: number;
  total: number;
  previous: string | null;
  next: string | null;
  items: PaginationItem[];
}

export type PageHref = (page: number) => string;

export function paginationView(window: PageWindow, label: string, href: PageHref): PaginationView {
  const items = getPaginationModel({
    currentPage: window.number,
    totalPages: window.count,
    hideFirstAndLastPageLinks: true,
    hidePreviousAndNextPageLinks: true,
  });
  return {
    label,
    many: window.count > 1,
    current: window.number,
    count: window.count,
    first: window.total === 0 ? 0 : window.offset + 1,
    last: Math.min(window.total, window.offset + window.size),
    total: window.total,
    previous: window.number > 1 ? href(window.number - 1) : null,
    next: window.number < window.count ? href(window.number + 1) : null,
    items: items.map((item): PaginationItem =>
      item.type === 'ELLIPSIS' ? { gap: true } : { gap: false, number: item.value, href: href(item.value), current: item.isActive },
    ),
  };
}

/**
 * Links to pages of the list at `path`, keeping the request's other query parameters (a GET's:
 * a page shown again after a refused form has none) but those in `omit`, which say something about
 * the page first shown only. Page 1 is the address without `param`.
 */
export function pageHrefs(req: Request, path: string, options: { param?: string; fragment?: string; omit?: readonly string[] } = {}): PageHref {
  const param = options.param ?? 'page';
  const search = req.method === 'GET' ? new URL(req.originalUrl, 'http://page.invalid').search : '';
  return (page) => {
    const params = new URLSearchParams(search);
    for (const name of options.omit ?? []) params.delete(name);
    if (page === 1) params.delete(param);
    else params.set(param, String(page));
    const query = params.toString();
    return `${path}${query ? `?${query}` : ''}${options.fragment ? `#${options.fragment}` : ''}`;
  };
}

/** One page of a list held in memory, with its links. */
export function pageOf<T>(rows: readonly T[], window: PageWindow): T[] {
  return rows.slice(window.offset, window.offset + window.size);
}

/** The page of `rows` the request asks for (`?page=N`, or `param`), and its navigation. */
export function paged<T>(
  req: Request,
  rows: readonly T[],
  options: { path: string; label: string; param?: string; fragment?: string; omit?: readonly string[]; size?: number },
): { rows: T[]; pagination: PaginationView } {
  const window = pageWindow(req.query[options.param ?? 'page'], rows.length, options.size);
  return { rows: pageOf(rows, window), pagination: paginationView(window, options.label, pageHrefs(req, options.path, options)) };
}

/** The first `count` of a list and how many it leaves out, for a sentence that names a few ("A, B and 12 more"). */
export function firstFew<T>(items: readonly T[], count: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, count), more: Math.max(0, items.length - count) };
}
