# The report step, in Python: run by Tessera through pipes, given the day's totals as extras.
import os
from tessera_pipes import open_tessera_pipes

with open_tessera_pipes() as pipes:
    totals = pipes.extras["totals"]
    lines = ["# Sales on %s" % pipes.partition_key, ""] + ["- %s: %.2f" % (t["customer"], t["total"]) for t in totals]
    path = os.path.join(pipes.extras["out_dir"], "report-%s.md" % pipes.partition_key)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    pipes.log.info("wrote " + path)
    pipes.report_asset_materialization(metadata={"path": path, "customers": len(totals)}, data_version=str(sum(t["total"] for t in totals)))
