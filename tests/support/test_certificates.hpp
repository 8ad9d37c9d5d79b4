// Test support: a CA and certificates it signed, made with the openssl command (EC keys: quick to make), for
// the tests of TLS against stand-in servers and proxies.
#ifndef DLAUNCH_TESTS_SUPPORT_TEST_CERTIFICATES_HPP_
#define DLAUNCH_TESTS_SUPPORT_TEST_CERTIFICATES_HPP_

#include <gtest/gtest.h>

#include <string>

#include "support/process.hpp"

namespace dlaunch::test {

// Makes a CA in `dir`: ca.pem and its key ca.key.
inline void make_test_ca(const std::string& dir) {
  const auto made = run_process(
      {"/bin/sh", "-c",
       "set -e; cd '" + dir + "'; "
       "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem "
       "-days 1 -subj /CN=dlaunch-test-ca 2>/dev/null"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
}

// Makes `name`.pem and `name`.key in `dir`, signed by its CA (make_test_ca): a server's certificate for the
// subjectAltName `san` ("IP:127.0.0.1", "DNS:localhost"), or with `san` empty a client's, named `name`.
inline void make_test_certificate(const std::string& dir, const std::string& name, const std::string& san) {
  std::string script =
      "set -e; cd '" + dir + "'; "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + ".key -out " + name +
      ".csr -subj /CN=" + name + " 2>/dev/null; ";
  script += san.empty() ? "printf 'extendedKeyUsage=clientAuth\\n' > " + name + ".ext; "
                        : "printf 'subjectAltName=" + san + "\\n' > " + name + ".ext; ";
  script += "openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " + name +
            ".pem -days 1 -extfile " + name + ".ext 2>/dev/null";
  const auto made = run_process({"/bin/sh", "-c", script});
  ASSERT_EQ(made.exit_code, 0) << made.err;
}

}  // namespace dlaunch::test

#endif  // DLAUNCH_TESTS_SUPPORT_TEST_CERTIFICATES_HPP_
