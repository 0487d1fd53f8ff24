// Prints an Arrow IPC file or stream (format detected by arrow-js) as canonical JSON, so a test can compare
// it exactly: int64/uint64/timestamps as decimal strings (BigInt is not JSON), non-finite floats as strings,
// booleans and strings decoded from the raw buffers.  usage: node dump.mjs <path>
import { readFileSync } from 'node:fs';
import { RecordBatchReader, DataType } from 'apache-arrow';

const reader = RecordBatchReader.from(readFileSync(process.argv[2]));
reader.open();
const schema = reader.schema;

function value(type, data, i) {
  if (!data.getValid(i)) return null;
  if (DataType.isDictionary(type)) return data.dictionary.get(data.values[i]);
  if (DataType.isTimestamp(type)) return data.values[i].toString();       // BigInt64Array: exact
  if (DataType.isInt(type) && type.bitWidth === 64) return data.values[i].toString();
  if (DataType.isFloat(type)) {
    const v = data.values[i];
    return Number.isFinite(v) ? v : String(v);                              // "NaN", "Infinity"
  }
  if (DataType.isBool(type)) return ((data.values[i >> 3] >> (i & 7)) & 1) === 1;
  if (DataType.isUtf8(type)) {
    const bytes = data.values.subarray(data.valueOffsets[i], data.valueOffsets[i + 1]);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  }
  return data.values[i];
}

// A file without record batches reads back as one synthetic empty batch: keep only real rows.
const batches = [...reader].filter((b) => b.numRows > 0);
const out = {
  format: reader.isFile() ? 'file' : 'stream',
  metadata: Object.fromEntries(schema.metadata),
  fields: schema.fields.map((f) => ({
    name: f.name,
    type: String(f.type),
    nullable: f.nullable,
    metadata: Object.fromEntries(f.metadata),
  })),
  batches: batches.map((b) => ({
    rows: b.numRows,
    columns: Object.fromEntries(schema.fields.map((f, c) => {
      const data = b.getChildAt(c).data[0];
      const cells = [];
      for (let i = 0; i < b.numRows; i++) cells.push(value(f.type, data, i));
      return [f.name, cells];
    })),
  })),
};
process.stdout.write(JSON.stringify(out) + '\n');
