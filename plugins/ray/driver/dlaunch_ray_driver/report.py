"""What the driver writes in the job's log: its own lines, how a replica ended, what a gang waits for."""
import signal


def say(message):
    print(f"[dlaunch] {message}", flush=True)


def how_it_ended(code):
    """A replica's return code for the user: "exited with code 3", or "was killed by SIGKILL"."""
    if code >= 0:
        return f"exited with code {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"


def shell_exit_code(code):
    """The exit code a shell would report: 128 + N for a process killed by signal N."""
    return 128 - code if code < 0 else code


def resources_text(resources):
    """{CPU: 1, GPU: 1, memory: 256.0 MiB}, as the plugin shows what a PENDING gang waits for. Ray's
    per-node and object store entries say nothing a user can act on."""
    def amount(name, value):
        if name == "memory":
            return f"{value / 1024:.1f} KiB" if value < 1024 * 1024 else f"{value / (1024 * 1024):.1f} MiB"
        return str(int(value)) if float(value).is_integer() else f"{value:g}"
    shown = sorted((name, value) for name, value in resources.items()
                   if not name.startswith("node:") and name != "object_store_memory")
    return "{" + ", ".join(f"{name}: {amount(name, value)}" for name, value in shown) + "}"


def wanted_text(bundles):
    """One role's bundles, e.g. 2 × {CPU: 1, GPU: 1}: what it waits for."""
    counts = {}
    for bundle in bundles:
        text = resources_text(bundle)
        counts[text] = counts.get(text, 0) + 1
    return " + ".join(f"{n} × {text}" for text, n in counts.items())
