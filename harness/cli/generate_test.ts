import { join } from "node:path";
import { main } from "./main.ts";
import { readNpy } from "../data/npy.ts";

async function quiet(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void err.push(a.map(String).join(" "));
  try {
    return { code: await main(args), err: err.join("\n") };
  } finally {
    console.error = orig;
  }
}

Deno.test("cli generate: writes the split; bad flags exit 2 naming the flag before any work", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "train.npy");
  const base = ["generate", "--suite", "burgers1d", "--n", "2", "--steps", "2", "--workers", "1"];
  const ok = await quiet([...base, "--split", "train", "--out", out, "--json"]);
  if (ok.code !== 0) throw new Error(`exit ${ok.code}: ${ok.err}`);
  if ((await readNpy(out)).shape.join() !== "2,3,1,1024") throw new Error("shape");
  for (
    const [extra, word] of [
      [["--split", "dev", "--out", out], "--split"],
      [["--split", "train", "--out", join(dir, "x.csv")], "--out"],
      [["--split", "train", "--out", out, "--shard", "3/2"], "--shard"],
    ] as const
  ) {
    const r = await quiet([...base, ...extra]);
    if (r.code !== 2 || !r.err.includes(word)) throw new Error(`${extra}: ${r.code} ${r.err}`);
  }
});
