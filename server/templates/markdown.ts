// A small, safe Markdown subset for the help pages written in docs/ (docs/definitions.md): headings,
// paragraphs, bulleted and numbered lists (an indented line continues its item), **bold**, *italic*,
// `code` and [links](…). Everything is escaped first, so no HTML in a document reaches a page; a
// construct outside the subset (a table, a fenced block, a quote, raw HTML) is refused, naming its
// line, so a document cannot quietly render as something else than it reads.

export class MarkdownError extends Error {}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A page's own paths, a fragment, or an https address: nothing a link could run. */
const SAFE_HREF = /^(\/[\w\-./#?=&]*|#[\w-]+|https:\/\/[\w\-./#?=&%]+)$/;

function inline(text: string, line: number): string {
  // Code first, so nothing inside it is read as emphasis or a link.
  return escapeHtml(text)
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return `<code>${part.slice(1, -1)}</code>`;
      return part
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_all, label: string, href: string) => {
          const target = href.replace(/&amp;/g, '&');
          if (!SAFE_HREF.test(target)) throw new MarkdownError(`Line ${line}: the link to ${target} is not a path of this site or an https address.`);
          return `<a href="${escapeHtml(target)}">${label}</a>`;
        })
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\*([^*\s][^*]*)\*/g, '<em>$1</em>');
    })
    .join('');
}

/** A heading's id: its words, lower-cased and joined by hyphens, for links to a section. */
export function headingId(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

type Block =
  | { kind: 'heading'; level: number; text: string; line: number }
  | { kind: 'p'; text: string; line: number }
  | { kind: 'ul' | 'ol'; items: Array<{ text: string; line: number }> };

const UNSUPPORTED: Array<[RegExp, string]> = [
  [/^\s*\|/, 'a table'],
  [/^\s*```/, 'a fenced block'],
  [/^\s*>/, 'a quote'],
  [/^\s*</, 'raw HTML'],
  [/^#{4,}\s/, 'a heading below level 3'],
];

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  let open: Block | null = null;
  markdown.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    for (const [pattern, what] of UNSUPPORTED)
      if (pattern.test(raw)) throw new MarkdownError(`Line ${line}: ${what} is outside the Markdown the help pages render.`);
    const heading = /^(#{1,3})\s+(.+)$/.exec(raw);
    const bullet = /^[-*]\s+(.+)$/.exec(raw);
    const numbered = /^\d+\.\s+(.+)$/.exec(raw);
    if (raw.trim() === '') {
      open = null;
    } else if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]!.trim(), line });
      open = null;
    } else if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      const item = { text: (bullet ?? numbered)![1]!, line };
      if (open?.kind === kind) open.items.push(item);
      else {
        open = { kind, items: [item] };
        blocks.push(open);
      }
    } else if (/^\s+\S/.test(raw) && (open?.kind === 'ul' || open?.kind === 'ol')) {
      const last = open.items.at(-1)!;
      last.text = `${last.text} ${raw.trim()}`;
    } else if (open?.kind === 'p') {
      open.text = `${open.text} ${raw.trim()}`;
    } else {
      open = { kind: 'p', text: raw.trim(), line };
      blocks.push(open);
    }
  });
  return blocks;
}

/** The document as HTML; throws MarkdownError naming the line of anything outside the subset. */
export function renderMarkdown(markdown: string): string {
  return blocksOf(markdown)
    .map((block) => {
      if (block.kind === 'heading') return `<h${block.level} id="${headingId(block.text)}">${inline(block.text, block.line)}</h${block.level}>`;
      if (block.kind === 'p') return `<p>${inline(block.text, block.line)}</p>`;
      return `<${block.kind}>${block.items.map((item) => `<li>${inline(item.text, item.line)}</li>`).join('')}</${block.kind}>`;
    })
    .join('\n');
}
