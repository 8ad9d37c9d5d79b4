# dlaunch_add_plugin(<target> ID <id> [VERSION <v>] [DESCRIPTION <text>] SOURCES <src>...)
#
# Builds a dlaunch platform plugin: a shared library that exports only `dlaunch_plugin_entry` (hidden
# visibility plus a version script), placed with a generated manifest in <plugin dir>/<id>/, and installed
# the same way.
include_guard(GLOBAL)

set(_dlaunch_plugin_cmake_dir ${CMAKE_CURRENT_LIST_DIR})

function(dlaunch_add_plugin target)
  cmake_parse_arguments(PLUGIN "" "ID;VERSION;DESCRIPTION" "SOURCES" ${ARGN})
  if(NOT PLUGIN_ID)
    message(FATAL_ERROR "dlaunch_add_plugin(${target}): ID is required")
  endif()
  if(NOT PLUGIN_VERSION)
    set(PLUGIN_VERSION ${PROJECT_VERSION})
  endif()
  if(NOT DEFINED DLAUNCH_PLUGIN_OUTPUT_DIR)
    set(DLAUNCH_PLUGIN_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
  endif()
  set(out_dir ${DLAUNCH_PLUGIN_OUTPUT_DIR}/${PLUGIN_ID})

  add_library(${target} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${target} PRIVATE dlaunch::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "dlaunch-${PLUGIN_ID}"
    LIBRARY_OUTPUT_DIRECTORY ${out_dir}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_dlaunch_plugin_cmake_dir}/dlaunch-plugin.map"
    "LINKER:--no-undefined")

  set(DLAUNCH_MANIFEST_ID ${PLUGIN_ID})
  set(DLAUNCH_MANIFEST_LIBRARY libdlaunch-${PLUGIN_ID}.so)
  set(DLAUNCH_MANIFEST_VERSION ${PLUGIN_VERSION})
  set(DLAUNCH_MANIFEST_DESCRIPTION "${PLUGIN_DESCRIPTION}")
  configure_file(${_dlaunch_plugin_cmake_dir}/plugin.json.in ${out_dir}/plugin.json @ONLY)

  if(DEFINED DLAUNCH_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${DLAUNCH_PLUGIN_INSTALL_DIR}/${PLUGIN_ID}
            COMPONENT plugin-${PLUGIN_ID})
    install(FILES ${out_dir}/plugin.json DESTINATION ${DLAUNCH_PLUGIN_INSTALL_DIR}/${PLUGIN_ID}
            COMPONENT plugin-${PLUGIN_ID})
  endif()
endfunction()
