/**
 * RFC 4180 CSV reader: quoted fields, doubled quotes, commas and newlines inside quotes. Yields each
 * record with the line number it starts on, so rejects can be reported by line.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export async function* readCsv(lines: AsyncIterable<string>): AsyncGenerator<CsvRecord | { line: number; error: string }> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let startLine = 0;
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\ufeff/, '') : raw;
    if (!inQuotes) {
      startLine = lineNo;
      if (line.trim() === '') continue;
    } else {
      field += '\n';
    }
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (inQuotes) {
        if (c === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i++;
          } else inQuotes = false;
        } else field += c;
      } else if (c === '"' && field === '') inQuotes = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else field += c;
    }
    if (inQuotes) continue;
    fields.push(field.replace(/\r$/, ''));
    yield { line: startLine, fields };
    fields = [];
    field = '';
  }
  if (inQuotes) yield { line: startLine, error: 'unterminated quoted field' };
}
