# GUI area (issue 4): figures, run controller, parameter panel, sessions, main window.
# All run on the offscreen platform (dmftlab_ui_test sets QT_QPA_PLATFORM).
dmftlab_ui_test(test_gui_figures)
dmftlab_ui_test(test_gui_help)
dmftlab_ui_test(test_gui_run)
dmftlab_ui_test(test_gui_screenshot)
dmftlab_ui_test(test_gui_window)
target_compile_definitions(test_gui_screenshot PRIVATE DMFTLAB_GUI_BINARY="$<TARGET_FILE:dmftlab>")
add_dependencies(test_gui_screenshot dmftlab)
# Stop latency (< 200 ms) and event-loop lateness (< 50 ms) are measured: run this suite
# alone, not beside another CPU-heavy test on a 2-core machine.
set_tests_properties(test_gui_run PROPERTIES RUN_SERIAL TRUE)
dmftlab_ui_test(test_gui_distributions)
dmftlab_ui_test(test_gui_theory)
