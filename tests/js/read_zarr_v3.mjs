// Reads one array of a Zarr v3 dataset with zarrita (an independent reader)
// and hands it to the Python tests: the samples go to OUTPUT as raw
// little-endian bytes in C order, the shape, data type and attributes to stdout as JSON.
// Usage: node read_zarr_v3.mjs DATASET ARRAY_PATH OUTPUT
import { writeFileSync } from "node:fs";
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";

const [dataset, path, output] = process.argv.slice(2);
const array = await zarr.open.v3(zarr.root(new FileSystemStore(dataset)).resolve(path), { kind: "array" });
const chunk = await zarr.get(array, null);
const data = chunk.data;
writeFileSync(output, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
console.log(JSON.stringify({ shape: chunk.shape, dtype: array.dtype, stride: chunk.stride, attributes: array.attrs }));
