// docs/definitions.md is what the Definitions page shows: it renders within the Markdown subset,
// escapes what it holds, and names what the code computes — every RAG reason, every flag by its
// label and code, every default it quotes — so the text cannot drift from the engine unnoticed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FLAG_LABELS } from '../../../server/engine/labels.ts';
import { ragStatus } from '../../../server/engine/rag.ts';
import { COMPLIANCE_FLAGS } from '../../../server/engine/types.ts';
import { DOCS_DIR, definitionsHtml } from '../../../server/http/help-routes.ts';
import { DEFAULT_SETTINGS } from '../../../server/programme/settings.ts';
import { MarkdownError, renderMarkdown } from '../../../server/templates/markdown.ts';

const text = readFileSync(path.join(DOCS_DIR, 'definitions.md'), 'utf8');

describe('the Markdown subset of the help pages', () => {
  it('renders headings, paragraphs, lists with continued items, emphasis, code and links', () => {
    const html = renderMarkdown(
      [
        '# Title',
        '',
        'A **bold** and *quiet* `x < 1` line',
        'joined.',
        '',
        '- one',
        '  continued',
        '- [two](/help/definitions#rag-status)',
        '',
        '1. first',
        '2. second',
      ].join('\n'),
    );
    assert.equal(
      html,
      [
        '<h1 id="title">Title</h1>',
        '<p>A <strong>bold</strong> and <em>quiet</em> <code>x &lt; 1</code> line joined.</p>',
        '<ul><li>one continued</li><li><a href="/help/definitions#rag-status">two</a></li></ul>',
        '<ol><li>first</li><li>second</li></ol>',
      ].join('\n'),
    );
  });

  it('escapes HTML in text and refuses what it does not render, naming the line', () => {
    assert.equal(renderMarkdown('a <script>alert(1)</script> & "b"'), '<p>a &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;b&quot;</p>');
    assert.throws(() => renderMarkdown('text\n\n| a | b |'), new MarkdownError('Line 3: a table is outside the Markdown the help pages render.'));
    assert.throws(() => renderMarkdown('[x](javascript:alert(1))'), /Line 1: the link to javascript:alert\(1 is not a path of this site or an https address\./);
    assert.throws(() => renderMarkdown('<div>'), /Line 1: raw HTML/);
  });
});

describe('docs/definitions.md', () => {
  const html = definitionsHtml();

  it('renders whole, one section for each thing a reader looks up', () => {
    const sections = [...html.matchAll(/<h2 id="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(sections, [
      'working-days',
      'snapshots-and-the-as-of-date',
      'in-scope-completed-outstanding',
      'baseline-declared-allowance',
      'rates-and-projections',
      'rag-status',
      'compliance-flags',
      'deadline-planning',
      'the-monthly-report-and-change',
      'staleness',
    ]);
  });

  it('names every RAG reason the engine gives, in its rule order', () => {
    const reasons = [
      ragStatus({ outstanding: 0, deadline: null, wdRemaining: null, requiredRate: null, allowance: null, actualRate: null, projectedCompletion: null }),
      ragStatus({ outstanding: 5, deadline: '2026-01-01', wdRemaining: 0, requiredRate: null, allowance: null, actualRate: 1, projectedCompletion: null }),
      ragStatus({ outstanding: 50, deadline: '2027-01-01', wdRemaining: 10, requiredRate: 5, allowance: 4, actualRate: 1, projectedCompletion: null }),
      ragStatus({ outstanding: 50, deadline: '2027-01-01', wdRemaining: 10, requiredRate: 5, allowance: 6, actualRate: null, projectedCompletion: null }),
      ragStatus({ outstanding: 50, deadline: '2027-01-01', wdRemaining: 10, requiredRate: 5, allowance: 6, actualRate: 0, projectedCompletion: null }),
      ragStatus({ outstanding: 50, deadline: '2027-01-01', wdRemaining: 10, requiredRate: 5, allowance: 6, actualRate: 1, projectedCompletion: '2027-02-01' }),
      ragStatus({ outstanding: 50, deadline: '2027-01-01', wdRemaining: 10, requiredRate: 5, allowance: 6, actualRate: 9, projectedCompletion: '2026-12-01' }),
    ];
    const ruleList = /<h2 id="rag-status">[\s\S]*?<ol>([\s\S]*?)<\/ol>/.exec(html)![1]!;
    const items = [...ruleList.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    assert.equal(items.length, 7);
    reasons.forEach((r, i) => assert.match(items[i]!, new RegExp(`<strong>${r.rag}</strong>, <em>${r.reason}</em>`), `rule ${i + 1}`));
  });

  it('names every compliance flag by its label and its code', () => {
    for (const flag of COMPLIANCE_FLAGS) assert.ok(html.includes(`<strong>${FLAG_LABELS[flag].title}</strong> (<code>${flag}</code>)`), flag);
  });

  it('quotes the settings’ defaults as the code has them', () => {
    assert.equal(DEFAULT_SETTINGS.implementationDate, '2018-06-28');
    assert.match(text, /`implementation-date`, 28 June 2018 unless set otherwise/);
    assert.match(text, new RegExp(`\`rate-window\` Working Days older \\(${DEFAULT_SETTINGS.rateWindow} unless set otherwise\\)`));
    assert.match(text, new RegExp(`\`notification-window\`, ${DEFAULT_SETTINGS.notificationWindow} unless set otherwise`));
    assert.match(text, new RegExp(`\`confirmation-window\`, ${DEFAULT_SETTINGS.confirmationWindow}\\)`));
    assert.match(text, new RegExp(`\`stale-after\` Working Days \\(${DEFAULT_SETTINGS.staleAfter} unless set otherwise\\)`));
    assert.match(text, new RegExp(`the ${DEFAULT_SETTINGS.reportDay}th unless set otherwise`));
    assert.match(text, new RegExp(`\`max-reject-ratio\`, ${DEFAULT_SETTINGS.maxRejectRatio * 100} % unless set otherwise`));
  });

  it('names no file outside this repository', () => {
    assert.doesNotMatch(text, /SPEC|\.\.\/|shared\//);
  });
});
