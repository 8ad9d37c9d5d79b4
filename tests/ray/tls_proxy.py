"""A TLS-terminating proxy in front of Ray's dashboard, for tests/ray/tls_test.cpp: it serves CERT and KEY on a
free loopback port, writes that port to PORT_FILE, and passes each connection's bytes to the dashboard on
UPSTREAM_PORT and back. A client that refuses the certificate ends its handshake; the proxy goes on. It exits
by itself after LIFETIME seconds (a test that died cannot leave it behind for long).

usage: tls_proxy.py CERT KEY UPSTREAM_PORT PORT_FILE LIFETIME
"""
import os
import socket
import ssl
import sys
import threading


def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            try:
                end.close()
            except OSError:
                pass


def serve(context, client, upstream_port):
    try:
        secure = context.wrap_socket(client, server_side=True)
    except (ssl.SSLError, OSError):
        client.close()  # the client refused the certificate, as it should when it does not trust it
        return
    try:
        upstream = socket.create_connection(("127.0.0.1", upstream_port))
    except OSError:
        secure.close()
        return
    threading.Thread(target=pipe, args=(upstream, secure), daemon=True).start()
    pipe(secure, upstream)


def main():
    cert, key, upstream_port, port_file, lifetime = sys.argv[1:6]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(listener.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    threading.Timer(float(lifetime), lambda: os._exit(0)).start()
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(context, client, int(upstream_port)), daemon=True).start()


if __name__ == "__main__":
    main()
