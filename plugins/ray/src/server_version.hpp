// What one Ray server understands, from GET /api/version. The submit endpoint rejects keys it does not know,
// so every optional field is gated on this.
#ifndef DLAUNCH_RAY_SERVER_VERSION_HPP_
#define DLAUNCH_RAY_SERVER_VERSION_HPP_

#include <string>
#include <string_view>

namespace dlaunch::ray {

struct ServerVersion {
  int api_version = 0;      // the Jobs API version ("version", a string on the wire)
  std::string ray_version;  // e.g. "2.60.0"
  int ray_major = 0;
  int ray_minor = 0;

  // Parses the body of GET /api/version from the Ray at `address`; throws INTERNAL, naming the address, when it
  // is not the expected object.
  static ServerVersion parse(std::string_view json, std::string_view address);
  // From the Jobs API version and the Ray version ("2.60.0"): what parse and the cache make.
  static ServerVersion of(int api_version, std::string ray_version);
  // The newest server this plugin knows, for dry runs (which never ask).
  static ServerVersion newest();

  bool ray_at_least(int major, int minor) const {
    return ray_major > major || (ray_major == major && ray_minor >= minor);
  }
  // entrypoint_num_cpus / entrypoint_num_gpus / entrypoint_resources: Ray 2.2.
  bool has_entrypoint_resources() const { return ray_at_least(2, 2); }
  // entrypoint_memory: Ray 2.8.
  bool has_entrypoint_memory() const { return ray_at_least(2, 8); }
  // DELETE /api/jobs/{id}: Jobs API version 4.
  bool has_delete() const { return api_version >= 4; }

  bool operator==(const ServerVersion&) const = default;
};

}  // namespace dlaunch::ray

#endif  // DLAUNCH_RAY_SERVER_VERSION_HPP_
