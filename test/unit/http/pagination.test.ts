// Which rows a page of a long list shows and where its links go: a wrong number in the address
// never fails, the other parameters (sort, filter, date) survive paging, page 1 has no parameter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import { firstFew, pageHrefs, paged, paginationView, pageWindow, windowHolding } from '../../../server/http/pagination.ts';
import { createViewRenderer } from '../../../server/templates/views.ts';

function request(url: string, method = 'GET'): Request {
  const query = Object.fromEntries(new URL(url, 'http://x').searchParams);
  return { method, originalUrl: url, query } as unknown as Request;
}

describe('pages of a list', () => {
  it('shows the page asked for, the last for a number past it, the first for anything else', () => {
    assert.deepEqual(pageWindow('3', 1000), { number: 3, count: 10, size: 100, total: 1000, offset: 200 });
    assert.equal(pageWindow('11', 1000).number, 10);
    assert.equal(pageWindow('2.7', 1000).number, 2);
    for (const raw of [undefined, '', 'abc', '-4', '0', ['2', '3']]) assert.equal(pageWindow(raw, 1000).number, 1, String(raw));
    assert.deepEqual(pageWindow('5', 0), { number: 1, count: 1, size: 100, total: 0, offset: 0 });
    assert.equal(pageWindow('2', 101).count, 2);
    assert.equal(windowHolding(250, 1000).number, 3);
  });

  it('keeps every other parameter in its links, and drops the page parameter for page 1', () => {
    const href = pageHrefs(request('/?sort=esme&dir=desc&rag=RED&page=4&import=9'), '/', { fragment: 'users-title', omit: ['import'] });
    assert.equal(href(5), '/?sort=esme&dir=desc&rag=RED&page=5#users-title');
    assert.equal(href(1), '/?sort=esme&dir=desc&rag=RED#users-title');
    // A page shown again after a refused form (a POST elsewhere) links to the list's own address.
    assert.equal(pageHrefs(request('/users/declarations/remove', 'POST'), '/users/declarations')(2), '/users/declarations?page=2');
  });

  it('offers the first and last pages, the neighbours of the current one, and gaps between', () => {
    const view = paginationView(pageWindow('6', 2000), 'Pages of Users', (n) => `/?page=${n}`);
    assert.deepEqual(
      view.items.map((item) => (item.gap ? '…' : item.current ? `[${item.number}]` : String(item.number))),
      ['1', '…', '5', '[6]', '7', '…', '20'],
    );
    assert.equal(view.previous, '/?page=5');
    assert.equal(view.next, '/?page=7');
    assert.deepEqual([view.first, view.last, view.total], [501, 600, 2000]);
    const last = paginationView(pageWindow('20', 1950), 'Pages of Users', (n) => `/?page=${n}`);
    assert.deepEqual([last.first, last.last, last.next], [1901, 1950, null]);
  });

  it('gives the rows of the page asked for, with its navigation', () => {
    const rows = Array.from({ length: 250 }, (_, i) => i + 1);
    const { rows: shown, pagination } = paged(request('/users?page=3'), rows, { path: '/users', label: 'Pages of Users' });
    assert.deepEqual([shown[0], shown.at(-1), shown.length], [201, 250, 50]);
    assert.equal(pagination.many, true);
    assert.equal(paged(request('/users'), rows.slice(0, 100), { path: '/users', label: 'Pages of Users' }).pagination.many, false);
  });

  it('names the first few of a list and counts the rest', () => {
    assert.deepEqual(firstFew(['a', 'b', 'c', 'd'], 2), { shown: ['a', 'b'], more: 2 });
    assert.deepEqual(firstFew(['a'], 2), { shown: ['a'], more: 0 });
  });

  it('renders plain links in a labelled navigation, the current page marked, nothing when one page holds all', () => {
    const views = createViewRenderer();
    const render = (pagination: unknown): string => views.render('partials/pagination', { pagination }, null);
    const html = render(paginationView(pageWindow('2', 300), 'Pages of Users', (n) => `/?sort=name&page=${n}`));
    assert.match(html, /<nav class="pagination" aria-label="Pages of Users">/);
    assert.match(html, /<a href="\/\?sort&#x3D;name&amp;page&#x3D;1" rel="prev">← Previous page<\/a>/);
    assert.match(html, /<a href="\/\?sort&#x3D;name&amp;page&#x3D;2" aria-current="page"><span class="visually-hidden">Page <\/span>2<\/a>/);
    assert.match(html, /rel="next">Next page →<\/a>/);
    assert.equal([...html.matchAll(/aria-current/g)].length, 1);
    assert.equal(render(paginationView(pageWindow('1', 100), 'Pages of Users', String)).trim(), '');
  });
});
