Attribute VB_Name = "QualityMonth"
' Ribbon callbacks of the QualityMonth (zhiliangyue) add-in.
' Each Sub only hands over to Python: the work is done by addin.buttons,
' which receives the active workbook through xw.Book.caller().
' Keep this file ASCII: VBA source is stored in the project's code page.
Option Explicit

Sub QM_ValidateBook(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.validate_book()"
End Sub

Sub QM_CityReport(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.city_report()"
End Sub

Sub QM_CityNotices(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.city_notices()"
End Sub

Sub QM_ConsolidateFolder(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.consolidate_folder()"
End Sub

Sub QM_ProvinceReport(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.province_report()"
End Sub

Sub QM_RectificationNotices(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.rectification_notices()"
End Sub

Sub QM_ExposureList(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.exposure_list()"
End Sub

Sub QM_RewardRoster(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.reward_roster()"
End Sub

Sub QM_ContestScoring(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.contest_scoring()"
End Sub

Sub QM_QuizMarking(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.quiz_marking()"
End Sub

Sub QM_TrackFollowup(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.track_followup()"
End Sub

Sub QM_RemindReturns(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.remind_returns()"
End Sub

Sub QM_Settings(control As IRibbonControl)
    RunPython "import addin.buttons as b; b.init_settings()"
End Sub
