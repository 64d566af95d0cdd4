# Packaging: the version both binaries print, install rules per Debian package and the
# CPack DEB configuration (packaging/build-deb.sh runs cpack on a build folder).
# Included from the top-level CMakeLists.txt after every add_subdirectory, so the
# targets exist here.
#
#   lagrum-relay  the relay, its hardened systemd unit, /etc/lagrum/relay.toml, man page
#   lagrum        the CLI with the provision catalog, lagrum-desktop (when the target
#                 exists), its .desktop file, icon and AppStream metadata, man page
#
# The subdirectories' own install() rules carry no COMPONENT; the rules below name the
# same files again with one, and CPack packs only these two components.

# --version prints CMake's project version (set here, in one place, for both).
foreach(_t lagrum lagrum-relay)
  if(TARGET ${_t})
    target_compile_definitions(${_t} PRIVATE LAGRUM_VERSION="${PROJECT_VERSION}")
  endif()
endforeach()

if(NOT TARGET lagrum OR NOT TARGET lagrum-relay)
  return()
endif()

set(_pkg ${PROJECT_SOURCE_DIR}/packaging)
set(_gen ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${_gen})

# Man pages and Debian changelogs are installed gzip -9n (Debian policy 12.1/12.7).
find_program(LAGRUM_GZIP gzip REQUIRED)
set(_gz_outputs)
foreach(_src man/lagrum.1 man/lagrum-desktop.1 man/lagrum-relay.8 debian/changelog)
  get_filename_component(_name ${_src} NAME)
  if(_name STREQUAL "changelog")
    set(_name changelog.Debian)
  endif()
  set(_out ${_gen}/${_name}.gz)
  add_custom_command(
    OUTPUT ${_out}
    COMMAND ${LAGRUM_GZIP} -9nc ${_pkg}/${_src} > ${_out}
    DEPENDS ${_pkg}/${_src}
    COMMENT "gzip ${_src}")
  list(APPEND _gz_outputs ${_out})
endforeach()
add_custom_target(lagrum_packaging_files ALL DEPENDS ${_gz_outputs})

# --- lagrum-relay ---------------------------------------------------------------------
install(TARGETS lagrum-relay RUNTIME DESTINATION bin COMPONENT relay)
# Debian 12 keeps packaged units in /lib/systemd/system (usrmerge is not final there).
install(FILES ${_pkg}/lagrum-relay.service DESTINATION /lib/systemd/system COMPONENT relay)
install(FILES ${_pkg}/relay.toml DESTINATION /etc/lagrum COMPONENT relay)
install(FILES ${_gen}/lagrum-relay.8.gz DESTINATION share/man/man8 COMPONENT relay)
install(FILES ${_pkg}/debian/copyright ${_gen}/changelog.Debian.gz
        DESTINATION share/doc/lagrum-relay COMPONENT relay)
install(FILES ${_pkg}/debian/lintian/lagrum-relay
        DESTINATION share/lintian/overrides COMPONENT relay)

# --- lagrum ----------------------------------------------------------------------------
install(TARGETS lagrum RUNTIME DESTINATION bin COMPONENT client)
file(GLOB _catalog_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/client/provisions/*.textpb)
install(FILES ${_catalog_files} DESTINATION share/lagrum/provisions COMPONENT client)
install(FILES ${_gen}/lagrum.1.gz DESTINATION share/man/man1 COMPONENT client)
install(FILES ${_pkg}/debian/copyright ${_gen}/changelog.Debian.gz
        DESTINATION share/doc/lagrum COMPONENT client)
install(FILES ${_pkg}/debian/lintian/lagrum
        DESTINATION share/lintian/overrides COMPONENT client)
if(TARGET lagrum-desktop)
  # The launcher, icon and AppStream entry only with the program they launch.
  install(TARGETS lagrum-desktop RUNTIME DESTINATION bin COMPONENT client)
  install(FILES ${_gen}/lagrum-desktop.1.gz DESTINATION share/man/man1 COMPONENT client)
  install(FILES ${_pkg}/desktop/se.lagrum.Lagrum.desktop
          DESTINATION share/applications COMPONENT client)
  install(FILES ${_pkg}/desktop/se.lagrum.Lagrum.svg
          DESTINATION share/icons/hicolor/scalable/apps COMPONENT client)
  install(FILES ${_pkg}/desktop/se.lagrum.Lagrum.metainfo.xml
          DESTINATION share/metainfo COMPONENT client)
endif()

# --- CPack -----------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lagrum)
set(CPACK_PACKAGE_VENDOR "Lagrum")
set(CPACK_PACKAGE_CONTACT "Lagrum maintainers <lagrum@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/deb)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL relay client)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://lagrum.example.org/")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

set(CPACK_DEBIAN_RELAY_PACKAGE_NAME lagrum-relay)
set(CPACK_DEBIAN_RELAY_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_RELAY_DESCRIPTION
    "untrusted delivery service for Lagrum's end-to-end encrypted messages\n\
The relay stores and forwards MLS (RFC 9420) ciphertext between Lagrum devices\n\
whose member certificates come from pinned organisation roots. It never sees\n\
message text. Runs as a hardened systemd service on an embedded SQLite store.")
set(CPACK_DEBIAN_RELAY_PACKAGE_CONTROL_EXTRA
    "${_pkg}/debian/relay/conffiles;${_pkg}/debian/relay/postinst;${_pkg}/debian/relay/postrm")
set(CPACK_DEBIAN_RELAY_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME lagrum)
set(CPACK_DEBIAN_CLIENT_DESCRIPTION
    "provision-checked, end-to-end encrypted messaging (Lagrum)\n\
Command line (lagrum) and desktop app (lagrum-desktop) for social services,\n\
police and schools sharing information about young people at risk. Every\n\
message carries the secrecy-breaking OSL provision that allows it, checked\n\
locally before anything is sent, and travels as MLS ciphertext.")

include(CPack)
