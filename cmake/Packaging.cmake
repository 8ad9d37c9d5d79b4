# Debian packages (cpack -G DEB): "dlaunch" (CLI, local platform, SDK, docs) and one package per other
# platform plugin ("dlaunch-plugin-ray", ...), which installs into the plugin directory: the way users
# add platforms.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_NAME dlaunch)
set(CPACK_PACKAGE_VENDOR "dlaunch")
set(CPACK_PACKAGE_CONTACT "dlaunch maintainers <dlaunch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Launch distributed deep-learning jobs on any platform")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)

# Every component that is not a platform plugin of its own goes into the main package.
set(DLAUNCH_MAIN_COMPONENTS runtime sdk docs plugin-local Unspecified)
set(CPACK_COMPONENTS_ALL ${DLAUNCH_MAIN_COMPONENTS})
# CPack's per-component variables use the upper-cased name as it is, hyphens included.
foreach(component IN LISTS DLAUNCH_MAIN_COMPONENTS)
  string(TOUPPER ${component} upper)
  set(CPACK_COMPONENT_${upper}_GROUP dlaunch)
endforeach()
set(CPACK_DEBIAN_DLAUNCH_PACKAGE_NAME dlaunch)
set(CPACK_DEBIAN_DLAUNCH_DESCRIPTION "dlaunch command line, local platform and plugin SDK")

foreach(id IN LISTS DLAUNCH_ENABLED_PLUGINS)
  if(id STREQUAL "local" OR id STREQUAL "support")
    continue()
  endif()
  string(TOUPPER "plugin-${id}" upper)
  list(APPEND CPACK_COMPONENTS_ALL plugin-${id})
  set(CPACK_COMPONENT_${upper}_GROUP dlaunch-plugin-${id})
  string(TOUPPER "dlaunch-plugin-${id}" group_upper)
  set(CPACK_DEBIAN_${group_upper}_PACKAGE_NAME dlaunch-plugin-${id})
  # The REST plugins load libssl (TLS) and libcurl (a proxy) when a request needs them rather than link them,
  # so the package names them: dpkg-shlibdeps sees only what the plugin links.
  set(CPACK_DEBIAN_${group_upper}_PACKAGE_DEPENDS "dlaunch (= ${PROJECT_VERSION}), libcurl4, libssl3")
endforeach()

include(CPack)
