// The playground's row cap in Node: firstRecords keeps the header and the first rows exactly as
// the library's reader would read them (a quoted line break is never cut), and counts them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCsvTable } from '../../src/index.js';
import { drawnCount, firstRecords } from '../../web/src/playground/rows.js';

test('firstRecords keeps the header and the first rows, and counts the rest', () => {
  const text = 'x,y,label\n1,2,a\n3,4,b\n5,6,c\n';
  assert.deepEqual(firstRecords(text, 2), { text: 'x,y,label\n1,2,a\n3,4,b\n', kept: 2, total: 3 });
  assert.deepEqual(firstRecords(text, 3), { text, kept: 3, total: 3 });
  assert.deepEqual(firstRecords('x,y,label', 5), { text: 'x,y,label', kept: 0, total: 0 });
  assert.deepEqual(firstRecords('', 5), { text: '', kept: 0, total: 0 });
});

test('firstRecords does not count blank lines or cut inside a quoted field; CRLF and a BOM are records as the reader sees them', () => {
  const text = '\ufeffx,y,label\r\n\r\n1,2,"a\r\nb"\r\n  \r\n3,4,"say ""hi""\nthere"\r\n5,6,c\r\n';
  const cut = firstRecords(text, 2);
  assert.equal(cut.total, 3);
  assert.equal(cut.kept, 2);
  const table = parseCsvTable(cut.text);
  assert.deepEqual(table.rows, [['1', '2', 'a\r\nb'], ['3', '4', 'say "hi"\nthere']]);
  // A quote inside an unquoted field is a character, not the start of a quoted field.
  assert.deepEqual(firstRecords('x,y,label\n1,2,a"b\n3,4,c\n5,6,d\n', 1).text, 'x,y,label\n1,2,a"b\n');
});

test('property: the capped text reads as the first rows of the whole, at the same lines', () => {
  const field = fc.oneof(
    fc.stringMatching(/^[a-z0-9 .]{0,4}$/),
    fc.string({ maxLength: 4 }).map((s) => `"${s.replaceAll('"', '""')}"`),
    fc.constantFrom('"a\nb"', '"\r\n"', ' "x" ', 'a"b'),
  );
  const record = fc.array(field, { minLength: 3, maxLength: 3 }).map((f) => f.join(','));
  const breaks = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\n \n');
  fc.assert(
    fc.property(fc.array(fc.tuple(record, breaks), { minLength: 1, maxLength: 12 }), fc.nat(12), (recs, max) => {
      const text = recs.map(([r, b]) => r + b).join('');
      let whole: ReturnType<typeof parseCsvTable>;
      try {
        whole = parseCsvTable(text);
      } catch {
        return; // Files the reader refuses are refused whatever the cap.
      }
      const cut = firstRecords(text, max);
      assert.equal(cut.total, whole.rows.length);
      assert.equal(cut.kept, Math.min(max, whole.rows.length));
      const part = parseCsvTable(cut.text);
      assert.deepEqual(part.header, whole.header);
      assert.deepEqual(part.rows, whole.rows.slice(0, cut.kept));
      assert.deepEqual(part.lines, whole.lines.slice(0, cut.kept));
    }),
    { numRuns: 500 },
  );
});

test('drawnCount keeps every point up to the cap, else shares the cap between the splits', () => {
  assert.deepEqual(drawnCount(300, 100), { train: 300, test: 100 });
  assert.deepEqual(drawnCount(50_000, 50_000), { train: 2_500, test: 2_500 });
  assert.deepEqual(drawnCount(90_000, 10_000), { train: 4_500, test: 500 });
  const { train, test: t } = drawnCount(12_345, 6_789);
  assert.equal(train + t, 5_000);
});
