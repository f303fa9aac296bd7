import { describe, expect, it } from "vitest";
import { parseWriteLockHolders } from "./sqlite-lock-holder.js";

const LOCKS = `1: POSIX  ADVISORY  WRITE 4242 08:02:1234 120 120
1: -> POSIX  ADVISORY  WRITE 5151 08:02:1234 120 120
2: POSIX  ADVISORY  READ 4242 08:02:1234 128 128
3: POSIX  ADVISORY  WRITE 6161 08:02:9999 120 120
4: FLOCK  ADVISORY  WRITE 7171 08:02:1234 0 EOF
5: POSIX  ADVISORY  WRITE 8181 08:02:1234 121 121
`;

describe("parseWriteLockHolders", () => {
  it("names the holder of the WAL write lock of that file only, not waiters, readers, other files or other bytes", () => {
    expect(parseWriteLockHolders(LOCKS, "08:02", 1234)).toEqual([4242]);
  });
  it("finds no holder when nobody holds the lock", () => {
    expect(parseWriteLockHolders("", "08:02", 1234)).toEqual([]);
  });
});
