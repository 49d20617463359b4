# CPack: a Debian package (cpack -G DEB) that installs zipcatcherd as a service, creates its
# account and starts it. Build it from a tree configured with -DCMAKE_INSTALL_PREFIX=/usr: the
# unit's ExecStart= is fixed at configure time, and Debian packages never live in /usr/local.

set(ZC_PACKAGE_MAINTAINER "Zipcatcher maintainers <zipcatcher@localhost>"
    CACHE STRING "Maintainer field of the Debian package")

# ---- the configuration file proper (a conffile in the package) ----
# cmake --install must not overwrite an edited zipcatcher.conf, so it only installs it when
# there is none; the package always contains it (its staging dir starts empty) and dpkg's
# conffile handling protects local edits from then on. Mode 0640: secrets go in this file.
set(zc_conf_dir "${CMAKE_INSTALL_FULL_SYSCONFDIR}/zipcatcher")
set(zc_conf_src "${PROJECT_SOURCE_DIR}/config/zipcatcher.conf")
install(CODE "
  if(EXISTS \"\$ENV{DESTDIR}${zc_conf_dir}/zipcatcher.conf\")
    message(STATUS \"Keeping existing: \$ENV{DESTDIR}${zc_conf_dir}/zipcatcher.conf\")
  else()
    file(INSTALL DESTINATION \"${zc_conf_dir}\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ FILES \"${zc_conf_src}\")
  endif()")

# Every file under /etc in a Debian package must be a conffile.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles
     "${zc_conf_dir}/zipcatcher.conf\n${zc_conf_dir}/zipcatcher.conf.example\n")
set(zc_control_extra ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles)
foreach(script postinst prerm postrm)
  list(APPEND zc_control_extra ${PROJECT_SOURCE_DIR}/systemd/debian/${script})
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME zipcatcher)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ZC_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)  # a Raspberry Pi's SD card has better uses for debug info

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # zipcatcher_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ZC_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# CPack writes the summary as the synopsis and indents these lines as the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "zipcatcherd predicts when aircraft cross the Sun or the Moon as seen from the
observer, from live ADS-B and flight data, and drives a Seestar telescope to
record the transit. It runs as a hardened systemd service; the zipcatcher
command talks to it over a Unix socket.")
# Library dependencies with their minimum versions come from dpkg-shlibdeps, which CPack runs
# only when `file` is installed; without it, name the Debian 12 runtime packages directly.
# proj-data is data (the geoid grid), which no linker can discover.
find_program(ZC_FILE_PROGRAM file)
find_program(ZC_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(ZC_FILE_PROGRAM AND ZC_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "proj-data")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libboost-program-options1.74.0, libspdlog1.10, libfmt9, libssl3, liberfa1, libstdc++6, libgcc-s1, libc6, proj-data")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${zc_control_extra}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Refuse, at cpack time, to build a package whose paths would not be Debian's.
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_BINARY_DIR}/zc-cpack-checks.cmake)
file(WRITE ${CPACK_PROJECT_CONFIG_FILE} "
if(CPACK_GENERATOR STREQUAL \"DEB\" AND NOT \"${CMAKE_INSTALL_PREFIX}\" STREQUAL \"/usr\")
  message(FATAL_ERROR \"The Debian package needs a tree configured with -DCMAKE_INSTALL_PREFIX=/usr \"
                      \"(this one has ${CMAKE_INSTALL_PREFIX}).\")
endif()
")

include(CPack)
