# GUI area (issue 4): figures, run controller, parameter panel, sessions, main window.
# All run on the offscreen platform (dmftlab_ui_test sets QT_QPA_PLATFORM).
dmftlab_ui_test(test_gui_figures)
