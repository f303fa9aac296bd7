// What a step wrote to stdout and stderr, over the API's computeLogs subscription: what is written so far from the
// start, then each write as it lands (no polling, no reload), until the run has finished and all is shown. A dropped
// stream is opened again from the last cursor, so nothing is shown twice or missed.
import { useEffect, useState } from "react";
import { follow, type Connection } from "../../live.js";

const COMPUTE_LOGS = `subscription RunComputeLogs($runId: ID!, $stepKey: String!, $ioType: ComputeIOType!, $cursor: String) {
  computeLogs(runId: $runId, stepKey: $stepKey, ioType: $ioType, cursor: $cursor) { data cursor complete }
}`;

/** The most text kept on screen; older output is dropped from the top (the file is whole on disk). */
const KEEP = 2_000_000;

interface Props {
  readonly runId: string;
  readonly steps: readonly string[];
  readonly finished: boolean;
}

export function ComputeLogs({ runId, steps, finished }: Props) {
  const [step, setStep] = useState<string | undefined>(undefined);
  const [stream, setStream] = useState<"STDOUT" | "STDERR">("STDOUT");
  const [text, setText] = useState("");
  const [complete, setComplete] = useState(false);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [problem, setProblem] = useState<string | undefined>();
  const chosen = step ?? steps[0];

  useEffect(() => {
    setText("");
    setComplete(false);
    setProblem(undefined);
    if (!chosen) return;
    let cursor: string | null = null;
    return follow<{ computeLogs: { data: string; cursor: string; complete: boolean } }>({
      query: COMPUTE_LOGS,
      variables: () => ({ runId, stepKey: chosen, ioType: stream, cursor }),
      onData: ({ computeLogs }) => {
        cursor = computeLogs.cursor;
        if (computeLogs.data) setText((previous) => (previous + computeLogs.data).slice(-KEEP));
        setComplete(computeLogs.complete);
        setProblem(undefined);
      },
      onErrors: (messages) => setProblem(messages.join(" ")),
      onConnection: setConnection,
    });
  }, [runId, chosen, stream]);

  return (
    <section aria-label="Compute logs" className="compute-logs">
      <div className="toolbar">
        <h2>Compute logs</h2>
        <select aria-label="Compute log step" value={chosen ?? ""} onChange={(e) => setStep(e.target.value)}>
          {steps.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <span role="radiogroup" aria-label="Stream">
          {(["STDOUT", "STDERR"] as const).map((s) => (
            <label key={s}>
              <input type="radio" name="compute-stream" checked={stream === s} onChange={() => setStream(s)} />
              {s.toLowerCase()}
            </label>
          ))}
        </span>
        {!complete && connection === "disconnected" && <span className="hint">Disconnected: reconnecting…</span>}
      </div>
      {problem && <p role="alert">{problem}</p>}
      {chosen ? (
        <pre aria-label={`${stream.toLowerCase()} of ${chosen}`} className="compute-log-text">
          {text || (complete || finished ? "(nothing written)" : "(nothing yet)")}
        </pre>
      ) : (
        <p className="hint">No step has started yet.</p>
      )}
    </section>
  );
}
