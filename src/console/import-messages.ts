/**
 * The importer's reasons (src/domain/patent-input.ts, src/services/patent-importer.ts, csv.ts) are
 * English, for the CLI and the logs. The console words them in the operator's language: each known
 * shape has its Chinese sentence, with the field names and values kept as written in the file (the
 * operator fixes the file by them). A reason of a shape not listed here is shown as it is, after a
 * Chinese lead-in, never dropped; tests/console/patents.test.ts imports one line of each shape, so
 * a changed importer wording fails there instead of silently showing English.
 */
import type { Locale } from '../core/types.js';

const SHAPES: [RegExp, (...m: string[]) => string][] = [
  [/^invalid JSON: /, () => '这一行不是有效的 JSON（每行应是一个完整的 JSON 对象）。'],
  [/^not a JSON object$/, () => '这一行不是 JSON 对象（应为 {…}）。'],
  [/^missing id \/ publicationNumber$/, () => '缺少公开号（id 或 publicationNumber 字段）。'],
  [/^id "(.*)" is not a publication number like (\S+)$/, (id, like) => `“${id}”不是公开号（格式如 ${like}）。`],
  [/^missing title$/, () => '缺少名称（title 字段）。'],
  [/^tradeModes "(.*)" is not one of (\S+)$/, (v, list) => `交易方式 tradeModes 的值“${v}”无效，应为 ${list} 之一。`],
  [/^patentType "(.*)" is not one of (.+)$/, (v, list) => `专利类型 patentType 的值“${v}”无效，应为 ${list} 之一。`],
  [/^(\w+) must be a string$/, (f) => `字段 ${f} 应为文本。`],
  [/^(\w+) is longer than (\d+) characters$/, (f, n) => `字段 ${f} 超过 ${n} 个字符。`],
  [/^(\w+) must be a list or a ;-separated string$/, (f) => `字段 ${f} 应为列表，或用英文分号 ; 分隔的文本。`],
  [/^(\w+) has more than (\d+) entries$/, (f, n) => `字段 ${f} 超过 ${n} 项。`],
  [/^(\w+) must be a date YYYY-MM-DD \(got "(.*)"\)$/, (f, v) => `字段 ${f} 应为 YYYY-MM-DD 格式的日期（文件中为“${v}”）。`],
  [/^expected (\d+) fields, found (\d+)$/, (want, got) => `表头有 ${want} 列，这一行有 ${got} 列（含逗号的值请用英文双引号括起）。`],
  [/^unterminated quoted field$/, () => '引号没有闭合：从这一行开始的带引号的值一直到文件末尾都没有结束。'],
  [/^CSV header must name at least the columns id \(or publicationNumber\) and title$/, () => 'CSV 的第一行（表头）至少要包含 id（或 publicationNumber）和 title 两列；文件未导入。'],
];

/** One rejected line's reason, or a failed import's error, in the operator's language. */
export function importMessage(reason: string, l: Locale): string {
  if (l === 'en') return reason;
  for (const [re, say] of SHAPES) {
    const m = re.exec(reason);
    if (m) return say(...m.slice(1));
  }
  return `导入程序报告：${reason}`;
}
