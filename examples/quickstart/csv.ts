// A small CSV reader: a header line, comma-separated fields, double quotes around fields that hold commas.

/** Parses CSV text into rows keyed by the header's column names. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const [header, ...body] = lines.map(splitLine);
  if (!header) return [];
  return body.map((fields) => Object.fromEntries(header.map((column, i) => [column, fields[i] ?? ""])));
}

function splitLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
}
