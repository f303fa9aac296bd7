// What a step wrote to stdout and stderr, read from the API a chunk at a time from the last cursor: again each time
// the run's log moves (a step that prints also emits events) and once the run has finished.
import { useEffect, useRef, useState } from "react";
import { gql } from "../../api.js";

const COMPUTE_LOGS = `query RunComputeLogs($runId: ID!, $stepKey: String!, $ioType: ComputeIOType!, $cursor: String) {
  computeLogs(runId: $runId, stepKey: $stepKey, ioType: $ioType, cursor: $cursor) { data cursor complete }
}`;

/** The most text kept on screen; older output is dropped from the top (the file is whole on disk). */
const KEEP = 2_000_000;

interface Props {
  readonly runId: string;
  readonly steps: readonly string[];
  /** Changes whenever new events arrived: a cue to read on from the cursor. */
  readonly eventCount: number;
  readonly finished: boolean;
}

export function ComputeLogs({ runId, steps, eventCount, finished }: Props) {
  const [step, setStep] = useState<string | undefined>(undefined);
  const [stream, setStream] = useState<"STDOUT" | "STDERR">("STDOUT");
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const cursor = useRef<string | null>(null);
  const reading = useRef(false);
  const again = useRef(false);
  const chosen = step ?? steps[0];
  // What to read, for a read that began before the choice changed: its answer is dropped.
  const target = useRef({ chosen, stream, generation: 0 });

  useEffect(() => {
    target.current = { chosen, stream, generation: target.current.generation + 1 };
    cursor.current = null;
    setText("");
    setProblem(undefined);
  }, [chosen, stream]);

  const read = async (): Promise<void> => {
    if (reading.current) {
      again.current = true;
      return;
    }
    const { chosen: stepKey, stream: ioType, generation } = target.current;
    if (!stepKey) return;
    reading.current = true;
    try {
      for (;;) {
        const { computeLogs } = await gql<{ computeLogs: { data: string; cursor: string; complete: boolean } }>(COMPUTE_LOGS, { runId, stepKey, ioType, cursor: cursor.current });
        if (generation !== target.current.generation) break;
        cursor.current = computeLogs.cursor;
        if (computeLogs.data) setText((previous) => (previous + computeLogs.data).slice(-KEEP));
        setProblem(undefined);
        if (computeLogs.data === "" || computeLogs.complete) break;
      }
    } catch (e) {
      if (generation === target.current.generation) setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      reading.current = false;
    }
    if (again.current || generation !== target.current.generation) {
      again.current = false;
      await read();
    }
  };

  useEffect(() => {
    void read();
  }, [runId, chosen, stream, eventCount, finished]); // eslint-disable-line react-hooks/exhaustive-deps -- read is the same work each time

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
      </div>
      {problem && <p role="alert">{problem}</p>}
      {chosen ? (
        <pre aria-label={`${stream.toLowerCase()} of ${chosen}`} className="compute-log-text">
          {text || (finished ? "(nothing written)" : "(nothing yet)")}
        </pre>
      ) : (
        <p className="hint">No step has started yet.</p>
      )}
    </section>
  );
}
