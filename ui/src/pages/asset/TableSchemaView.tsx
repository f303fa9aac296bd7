// The asset's table schema: the columns its definition declares (a table_schema metadata entry), else those its latest
// materialization recorded, so a table's layout is on its page before it was ever built.

/** Metadata as the API sends it: entry name to a typed value { type, value }. */
export type MetadataEntries = Record<string, { type?: string; value?: unknown }> | null;

export interface Column {
  name: string;
  type: string;
  description?: string;
}

/** The table_schema entries of `metadata`, each with its columns (entries that are not a well-formed schema are left out). */
export function tableSchemasOf(metadata: MetadataEntries): { entry: string; columns: Column[] }[] {
  const out: { entry: string; columns: Column[] }[] = [];
  for (const [entry, value] of Object.entries(metadata ?? {})) {
    if (value?.type !== "table_schema") continue;
    const columns = (value.value as { columns?: unknown } | null)?.columns;
    if (!Array.isArray(columns)) continue;
    out.push({
      entry,
      columns: columns
        .filter((c): c is { name: unknown; type?: unknown; description?: unknown } => typeof c === "object" && c !== null && "name" in c)
        .map((c) => ({ name: String(c.name), type: c.type === undefined ? "" : String(c.type), ...(typeof c.description === "string" ? { description: c.description } : {}) })),
    });
  }
  return out;
}

export function TableSchemaView(props: { definition: MetadataEntries; latest: MetadataEntries }) {
  const declared = tableSchemasOf(props.definition);
  const schemas = declared.length > 0 ? declared : tableSchemasOf(props.latest);
  if (schemas.length === 0) return null;
  const source = declared.length > 0 ? "as the definition declares it" : "as the latest materialization recorded it";
  return (
    <section className="card" aria-label="Table schema">
      <h2>Table schema</h2>
      <p className="muted">{source}</p>
      {schemas.map((schema) => (
        <table key={schema.entry} className="log" aria-label={schemas.length === 1 ? "Columns" : `Columns (${schema.entry})`}>
          {schemas.length > 1 && <caption>{schema.entry}</caption>}
          <thead>
            <tr>
              <th>Column</th>
              <th>Type</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {schema.columns.map((column) => (
              <tr key={column.name}>
                <td>{column.name}</td>
                <td>
                  <code>{column.type}</code>
                </td>
                <td>{column.description ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
