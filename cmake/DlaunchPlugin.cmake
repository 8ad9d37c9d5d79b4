# dlaunch_add_plugin(<target> ID <id> [VERSION <v>] [DESCRIPTION <text>] SOURCES <src>...
#                    [OPTIONS <options.json>] [OUTPUT_DIRECTORY <dir>] [NO_INSTALL]
#                    [ABI_MAJOR <n>] [ABI_MINOR <n>] [MIN_HOST_MINOR <n>] [JOB_DOCUMENT <n>])
#
# Builds a dlaunch platform plugin: a shared library that exports only `dlaunch_plugin_entry` (hidden
# visibility plus a version script), placed with a generated manifest in <plugin dir>/<id>/, and installed
# the same way. The sources see DLAUNCH_PLUGIN_VERSION and DLAUNCH_PLUGIN_DESCRIPTION (string literals), for
# DLAUNCH_PLUGIN(...). OPTIONS names the plugin's one declaration of its options (DlaunchPluginManifest.cmake):
# they go into the manifest (version 2), and into the generated header <dlaunch_plugin_options.h> that the
# sources include (C) or that DLAUNCH_PLUGIN picks up (C++). OUTPUT_DIRECTORY replaces <plugin dir> (tests
# build plugins apart from the real ones); the ABI_* and JOB_DOCUMENT values only change what the manifest
# claims (tests of the host's refusals; JOB_DOCUMENT 0 claims nothing, as manifests before the claim).
include_guard(GLOBAL)

# Where `cmake --install` puts plugins, relative to the install prefix (or absolute, e.g.
# ~/.local/share/dlaunch/plugins for a user's own plugin directory). Not CMAKE_INSTALL_LIBDIR: the host
# looks in <prefix>/lib/dlaunch/plugins beside its own bin/ on every distribution.
set(DLAUNCH_PLUGIN_INSTALL_DIR lib/dlaunch/plugins CACHE STRING "Install directory of dlaunch plugins")

set(_dlaunch_plugin_cmake_dir ${CMAKE_CURRENT_LIST_DIR})

include(${_dlaunch_plugin_cmake_dir}/DlaunchPluginManifest.cmake)

# The ABI version, read from the one place that defines it: the SDK header (in the source tree, or the
# installed include directory that dlaunchConfig.cmake names).
if(NOT DEFINED DLAUNCH_SDK_INCLUDE_DIR)
  message(FATAL_ERROR "DlaunchPlugin.cmake: use find_package(dlaunch) rather than including this file")
endif()
dlaunch_sdk_abi(${DLAUNCH_SDK_INCLUDE_DIR} DLAUNCH_SDK_ABI)

function(dlaunch_add_plugin target)
  cmake_parse_arguments(PLUGIN "NO_INSTALL"
    "ID;VERSION;DESCRIPTION;OPTIONS;OUTPUT_DIRECTORY;ABI_MAJOR;ABI_MINOR;MIN_HOST_MINOR;JOB_DOCUMENT" "SOURCES" ${ARGN})
  if(NOT PLUGIN_ID)
    message(FATAL_ERROR "dlaunch_add_plugin(${target}): ID is required")
  endif()
  if(NOT PLUGIN_VERSION)
    set(PLUGIN_VERSION ${PROJECT_VERSION})
  endif()
  if(NOT DEFINED DLAUNCH_PLUGIN_OUTPUT_DIR)
    set(DLAUNCH_PLUGIN_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
  endif()
  if(PLUGIN_OUTPUT_DIRECTORY)
    set(out_dir ${PLUGIN_OUTPUT_DIRECTORY}/${PLUGIN_ID})
  else()
    set(out_dir ${DLAUNCH_PLUGIN_OUTPUT_DIR}/${PLUGIN_ID})
  endif()
  # The manifest claims the ABI the SDK header defines, unless a test asks for another claim.
  if(NOT DEFINED PLUGIN_ABI_MAJOR)
    set(PLUGIN_ABI_MAJOR ${DLAUNCH_SDK_ABI_MAJOR})
  endif()
  if(NOT DEFINED PLUGIN_ABI_MINOR)
    set(PLUGIN_ABI_MINOR ${DLAUNCH_SDK_ABI_MINOR})
  endif()
  if(NOT DEFINED PLUGIN_MIN_HOST_MINOR)
    set(PLUGIN_MIN_HOST_MINOR 0)
  endif()
  if(NOT DEFINED PLUGIN_JOB_DOCUMENT)
    set(PLUGIN_JOB_DOCUMENT ${DLAUNCH_SDK_ABI_JOB_DOCUMENT})
  endif()

  add_library(${target} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${target} PRIVATE dlaunch::sdk)
  # The table's version and description come from the same place as the manifest's: they always agree.
  target_compile_definitions(${target} PRIVATE
    DLAUNCH_PLUGIN_VERSION="${PLUGIN_VERSION}" DLAUNCH_PLUGIN_DESCRIPTION="${PLUGIN_DESCRIPTION}")
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

  set(options_args "")
  if(PLUGIN_OPTIONS)
    get_filename_component(options_file ${PLUGIN_OPTIONS} ABSOLUTE)
    # One directory per target: several test plugins share a source directory, each with its own options.
    set(header_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}-generated)
    set(options_args OPTIONS ${options_file} HEADER ${header_dir}/dlaunch_plugin_options.h)
    target_include_directories(${target} PRIVATE ${header_dir})
    # Tests of a plugin's code outside its module read the same header.
    set_target_properties(${target} PROPERTIES DLAUNCH_OPTIONS_HEADER_DIR ${header_dir})
    # Editing options.json reconfigures, which rewrites the manifest and the header.
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${options_file})
  endif()
  dlaunch_write_plugin_files(ID ${PLUGIN_ID} LIBRARY libdlaunch-${PLUGIN_ID}.so VERSION "${PLUGIN_VERSION}"
    DESCRIPTION "${PLUGIN_DESCRIPTION}" ABI_MAJOR ${PLUGIN_ABI_MAJOR} ABI_MINOR ${PLUGIN_ABI_MINOR}
    MIN_HOST_MINOR ${PLUGIN_MIN_HOST_MINOR} JOB_DOCUMENT ${PLUGIN_JOB_DOCUMENT} MANIFEST ${out_dir}/plugin.json
    ${options_args})
  add_custom_command(TARGET ${target} POST_BUILD
                     COMMAND chmod go-w $<TARGET_FILE:${target}> ${out_dir}
                     VERBATIM)

  if(NOT PLUGIN_NO_INSTALL)
    # Plugins that ship (not test doubles): the project's own tests check each one.
    set_property(GLOBAL APPEND PROPERTY DLAUNCH_SHIPPED_PLUGINS "${PLUGIN_ID}=${target}")
    install(TARGETS ${target} LIBRARY DESTINATION ${DLAUNCH_PLUGIN_INSTALL_DIR}/${PLUGIN_ID}
            COMPONENT plugin-${PLUGIN_ID})
    install(FILES ${out_dir}/plugin.json DESTINATION ${DLAUNCH_PLUGIN_INSTALL_DIR}/${PLUGIN_ID}
            COMPONENT plugin-${PLUGIN_ID})
  endif()
endfunction()
