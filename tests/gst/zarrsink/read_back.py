"""Independent check of a zarrsink dataset with zarr-python.

  read_back.py LOCATION EXPECTED_RAW DTYPE T C Y X [CHUNK_T CHUNK_C CHUNK_Y CHUNK_X]

EXPECTED_RAW holds the expected array `0` in C order (t, c, y, x),
little-endian. Exits non-zero, saying why, on any difference.
"""
import sys

import numpy as np
import zarr


def main(argv):
    location, expected_path, dtype = argv[1], argv[2], argv[3]
    shape = tuple(int(v) for v in argv[4:8])
    expected = np.fromfile(expected_path, dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)
    group = zarr.open_group(location, mode="r")
    members = sorted(group.keys())
    if members != ["0"]:
        return f"group members are {members}, expected ['0']"
    array = group["0"]
    if array.shape != shape:
        return f"shape {array.shape}, expected {shape}"
    if array.dtype != np.dtype(dtype):
        return f"dtype {array.dtype}, expected {dtype}"
    if len(argv) > 8:
        chunks = tuple(int(v) for v in argv[8:12])
        if array.chunks != chunks:
            return f"chunks {array.chunks}, expected {chunks}"
    data = array[:]
    if not np.array_equal(data, expected):
        where = np.argwhere(data != expected)
        first = tuple(where[0])
        return (f"{len(where)} values differ; first at (t, c, y, x) = {first}: "
                f"got {data[first]}, expected {expected[first]}")
    return None


if __name__ == "__main__":
    problem = main(sys.argv)
    if problem:
        print(f"read_back: {problem}", file=sys.stderr)
        sys.exit(1)
