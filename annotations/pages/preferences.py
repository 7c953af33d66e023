"""A person's own preferences: whether the pages answer single-key shortcuts."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from annotations.models.preferences import SHORTCUTS_SESSION_KEY
from annotations.pages.forms import PageForm
from annotations.selectors.preferences import preferences_of
from annotations.services.preferences import save_preferences

SHORTCUT_CHOICES = [
    ("on", "On: single keys (j, k, a, v, 1-8, c, ?) act in the pages"),
    ("off", "Off: single keys do nothing; buttons, links and Tab still work"),
]


class PreferencesForm(PageForm):
    id_prefix = "preferences"

    shortcuts = forms.ChoiceField(
        label="Single-key shortcuts",
        choices=SHORTCUT_CHOICES,
        widget=forms.RadioSelect,
        help_text="Turn them off if you use speech input or a screen reader whose keys they collide with.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    saved = preferences_of(request.user)
    # Opening this page also brings a session signed in before a change elsewhere up to date.
    request.session[SHORTCUTS_SESSION_KEY] = saved.single_key_shortcuts
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            wanted = form.cleaned_data["shortcuts"] == "on"
            save_preferences(user=request.user, single_key_shortcuts=wanted)
            request.session[SHORTCUTS_SESSION_KEY] = wanted
            messages.success(request, f"Single-key shortcuts are {form.cleaned_data['shortcuts']}.")
            return redirect("annotations:preferences")
        status = 400
    else:
        form = PreferencesForm(initial={"shortcuts": "on" if saved.single_key_shortcuts else "off"})
        status = 200
    return render(request, "annotations/preferences.html", {"form": form}, status=status)
