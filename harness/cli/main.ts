/**
 * The `emubench` command line (SPEC §6): a thin dispatcher. Each command lives in its own file
 * under `harness/cli/` and declares its flags as data (`flags.ts`), from which parsing,
 * validation, "did you mean" and `--help` all come.
 *
 * Exit codes: 0 ok, 1 gate failed, 2 bad input (model, data, flags), 3 internal error,
 * 130 interrupted (nothing partial is left behind: every file is written atomically).
 * @module
 */
import { isInputError } from "../core/errors.ts";
import { EMUBENCH_VERSION } from "../tasks/environment.ts";
import { BACKEND_CHOICES } from "../onnx/backend.ts";
import { type Command, type FlagTable, formatHelp, parseCommand, suggestion } from "./flags.ts";
import { listCommand } from "./list.ts";
import { validateCommand } from "./validate.ts";
import { runCommand } from "./run.ts";
import { stabilityCommand } from "./stability.ts";
import { mergeCommand } from "./merge.ts";
import { reportCommand } from "./report.ts";
import { gateCommand } from "./gate.ts";
import { leaderboardCommand } from "./leaderboard.ts";
import { submissionsCommand } from "./submissions.ts";
import { demoCommand } from "./demo.ts";
import { generateCommand } from "./generate.ts";
import { cacheCommand } from "./cache.ts";

export { Status } from "./status.ts";

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command<FlagTable>[] = [
  listCommand,
  validateCommand,
  runCommand,
  stabilityCommand,
  mergeCommand,
  reportCommand,
  gateCommand,
  leaderboardCommand,
  submissionsCommand,
  generateCommand,
  cacheCommand,
  demoCommand,
] as readonly Command<FlagTable>[];

/** The top-level help: the commands, how to get more, exit codes. */
export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `emubench ${EMUBENCH_VERSION}: evaluate neural PDE emulators (ONNX) against reference solvers`,
    "",
    "Usage: emubench <command> [flags]      emubench <command> --help for its flags",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    "",
    "Examples:",
    "  emubench run --suite burgers1d --model baseline:coarse_solver --tier smoke",
    "  emubench run --suite burgers1d --model my_model.onnx --backend wasm --out out/mine",
    "  emubench validate my_model/ --suite burgers1d",
    "",
    `Backends: ${
      BACKEND_CHOICES.join(", ")
    } (auto: webgpu on a hardware adapter, else native, else wasm).`,
    "Relative paths are relative to the directory the command was typed in ($INIT_CWD under deno task).",
    "Exit codes: 0 ok, 1 gate failed, 2 bad input, 3 internal error, 130 interrupted.",
  ].join("\n");
}

/** Run the CLI with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      const topic = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      console.log(topic ? formatHelp(topic) : mainHelp());
      return 0;
    }
    if (name === "--version" || name === "-V") {
      console.log(EMUBENCH_VERSION);
      return 0;
    }
    const cmd = COMMANDS.find((c) => c.name === name);
    if (!cmd) {
      const hint = suggestion(name, COMMANDS.map((c) => c.name));
      console.error(
        `emubench: unknown command "${name}"${hint ? `; ${hint}` : ""}\nexpected one of ${
          COMMANDS.map((c) => c.name).join(", ")
        } (emubench --help describes them)`,
      );
      return 2;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(formatHelp(cmd));
      return 0;
    }
    const { values, positionals } = parseCommand(cmd, rest);
    return await cmd.run(values, positionals);
  } catch (e) {
    // node:util parseArgs reports malformed flags with these codes.
    const code = (e as { code?: string }).code;
    if (
      isInputError(e) || code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ||
      code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ||
      code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
    ) {
      console.error(`emubench: ${(e as Error).message}`);
      return 2;
    }
    console.error(`emubench: internal error: ${(e as Error).stack ?? e}`);
    return 3;
  }
}

if (import.meta.main) {
  // Ctrl-C: output sets not yet swapped in are dropped, committed ones are complete; a watchdog
  // thread answers within a second even while this thread is inside a long model step.
  (await import("../core/interrupt.ts")).installInterruptHandlers();
  Deno.exit(await main(Deno.args));
}
