// A stand-in for a TensorFlow parameter-server job, for the TF_CONFIG tests of every platform: each process
// finds its own address and the parameter server's in TF_CONFIG, as TensorFlow's cluster resolver does; the
// ps listens at its own, and each worker connects to the ps's and prints what the ps answered:
//   ps heard worker 1 (a worker of 2)
// So the test passes only when the addresses are where the processes are. No TensorFlow needed.
#ifndef DLAUNCH_TESTS_SUPPORT_TF_CONFIG_EXCHANGE_HPP_
#define DLAUNCH_TESTS_SUPPORT_TF_CONFIG_EXCHANGE_HPP_

namespace dlaunch::test {

// Run as `python3 tf_config_exchange.py` by a role with tf_task "ps" (one replica) and one with "worker".
inline constexpr const char* kTfConfigExchangePy = R"PY(import json, os, socket, time
config = json.loads(os.environ["TF_CONFIG"])
task, cluster = config["task"], config["cluster"]
host, port = cluster[task["type"]][task["index"]].rsplit(":", 1)
workers = len(cluster["worker"])
if task["type"] == "ps":
    with socket.create_server((host, int(port))) as server:
        for _ in range(workers):
            conn, _ = server.accept()
            with conn:
                conn.sendall(b"ps heard " + conn.recv(100))
else:
    ps_host, ps_port = cluster["ps"][0].rsplit(":", 1)
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = socket.create_connection((ps_host, int(ps_port)))
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    with conn:
        conn.sendall(b"worker %d (a worker of %d)" % (task["index"], workers))
        print(conn.recv(100).decode(), flush=True)
)PY";

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_TF_CONFIG_EXCHANGE_HPP_
