# What `cmake --install` lays out besides the targets themselves:
#   lib/cmake/dlaunch/     the CMake package: find_package(dlaunch 1.0) and dlaunch_add_plugin()
#   lib/pkgconfig/         dlaunch-sdk.pc, for builds that are not CMake
#   share/doc/dlaunch/     README and docs
include(CMakePackageConfigHelpers)

set(DLAUNCH_CMAKE_INSTALL_DIR lib/cmake/dlaunch)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/dlaunchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/dlaunchConfig.cmake INSTALL_DESTINATION ${DLAUNCH_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
# Plugins built against SDK 1.x load in every 1.y host: the package is compatible within a major.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dlaunchConfigVersion.cmake
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(EXPORT dlaunchTargets NAMESPACE dlaunch:: DESTINATION ${DLAUNCH_CMAKE_INSTALL_DIR} COMPONENT sdk)
install(FILES
    ${PROJECT_BINARY_DIR}/dlaunchConfig.cmake
    ${PROJECT_BINARY_DIR}/dlaunchConfigVersion.cmake
    ${CMAKE_CURRENT_LIST_DIR}/DlaunchPlugin.cmake
    ${CMAKE_CURRENT_LIST_DIR}/DlaunchPluginManifest.cmake
    ${CMAKE_CURRENT_LIST_DIR}/dlaunch-plugin.map
  DESTINATION ${DLAUNCH_CMAKE_INSTALL_DIR} COMPONENT sdk)

configure_file(${CMAKE_CURRENT_LIST_DIR}/dlaunch-sdk.pc.in ${PROJECT_BINARY_DIR}/dlaunch-sdk.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dlaunch-sdk.pc DESTINATION lib/pkgconfig COMPONENT sdk)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs)
