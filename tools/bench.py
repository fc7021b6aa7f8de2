"""``make bench``: how fast the offline preview is, and how it scales.

    python -m tools.bench            # the figures the README quotes
    python -m tools.bench --sizes 10 100 200 --repeat 3

Prints (1) the dev stack's preview time as a ratio to the import floor: the time to import
exactly the modules the preview run ends up loading, in a fresh interpreter, without running
anything; and (2) for a program with N customer-managed-key clusters (identity, vault,
grant, key, cluster, firewall rule each), the engine run's wall time, the cost per added
cluster ((T(N) - T(0)) / N, so the engine's fixed start-up is not spread over the clusters),
the peak memory, and the full garbage collection that the run defers: ``cmkpg-preview``
never pays it (it exits with the collector off), a library caller pays it later.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_DEV = textwrap.dedent(
    """
    import gc, json, sys, time
    gc.disable()  # as cmkpg-preview runs
    start = time.perf_counter()
    from pathlib import Path
    from cmkpg.preview.cli import plan_stack
    plan_stack("dev", project_dir=Path(%r))
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "modules": sorted(sys.modules)}))
    """
)
_FLOOR = textwrap.dedent(
    """
    import importlib, json, sys, time
    names = json.loads(sys.stdin.read())
    start = time.perf_counter()
    for name in names:
        if name not in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:
                pass
    print(json.dumps({"seconds": time.perf_counter() - start}))
    """
)
_FLEET = textwrap.dedent(
    """
    import functools, gc, json, resource, sys, time
    from cmkpg import CmkOptions, EncryptedCosmosPgCluster, EncryptedCosmosPgClusterArgs
    from cmkpg import create_customer_managed_key
    from cmkpg.preview import engine
    from cmkpg.preview.azure_mocks import AzureMocks


    def fleet(count):
        for i in range(count):
            name = f"c{i}"
            cmk = create_customer_managed_key(name, "westeurope", "rg-fleet", CmkOptions())
            EncryptedCosmosPgCluster(
                name,
                EncryptedCosmosPgClusterArgs(
                    resource_group_name="rg-fleet",
                    location="westeurope",
                    cluster_name=f"fleet-{i}",
                    customer_managed_key=cmk.customer_managed_key,
                    firewall_rules={"app": "203.0.113.0/26"},
                ),
            )


    def plan(count, stack):
        program = functools.partial(fleet, count)
        return engine.run(program, project="fleet", stack=stack, config={}, mocks=AzureMocks())


    gc.disable()  # as cmkpg-preview runs
    # One cluster first, so the SDK modules the program imports lazily are loaded: the
    # figures are the planning, not the first import of pulumi_azure_native.keyvault.
    plan(1, "warm")
    gc.collect()
    start = time.perf_counter()
    result = plan(int(sys.argv[1]), "bench")
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    resources = len(result.resources)
    del result
    start = time.perf_counter()
    gc.collect()
    deferred = time.perf_counter() - start
    report = {"seconds": elapsed, "resources": resources, "peak_mb": peak, "deferred": deferred}
    print(json.dumps(report))
    """
)


def _python(code: str, *args: str, stdin: str | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 200])
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    args = parser.parse_args(argv)

    dev = min((_python(_DEV % str(ROOT)) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    floor = min(
        (_python(_FLOOR, stdin=json.dumps(dev["modules"])) for _ in range(args.repeat)),
        key=lambda r: r["seconds"],
    )
    ratio = dev["seconds"] / floor["seconds"]
    print(
        f"dev preview: {dev['seconds']:.2f} s; import floor of its {len(dev['modules'])} "
        f"modules: {floor['seconds']:.2f} s; ratio {ratio:.2f}x"
    )

    def fleet(size: int) -> dict:
        runs = (_python(_FLEET, str(size)) for _ in range(args.repeat))
        return min(runs, key=lambda r: r["seconds"])

    empty = fleet(0)
    print(f"N=   0: {empty['seconds']:6.2f} s (the engine's start-up)")
    per_cluster = []
    for size in args.sizes:
        run = fleet(size)
        each = (run["seconds"] - empty["seconds"]) / size * 1000
        per_cluster.append(each)
        print(
            f"N={size:>4}: {run['seconds']:6.2f} s for {run['resources']} resources, "
            f"{each:5.1f} ms per added cluster, peak {run['peak_mb']} MB, "
            f"deferred collection {run['deferred']:.2f} s"
        )
    spread = max(per_cluster) / min(per_cluster) - 1
    print(f"per-cluster cost varies {spread:.0%} from N={args.sizes[0]} to N={args.sizes[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
