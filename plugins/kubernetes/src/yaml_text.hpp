// JSON objects written as YAML that `kubectl apply -f -` reads back to the same JSON: strings that a YAML
// 1.1 reader would take for a number, a boolean or null are quoted.
#ifndef DLAUNCH_KUBERNETES_YAML_TEXT_HPP_
#define DLAUNCH_KUBERNETES_YAML_TEXT_HPP_

#include <rapidjson/document.h>

#include <string>

namespace dlaunch::kubernetes {

std::string to_yaml(const rapidjson::Value& value);

}  // namespace dlaunch::kubernetes

#endif  // DLAUNCH_KUBERNETES_YAML_TEXT_HPP_
