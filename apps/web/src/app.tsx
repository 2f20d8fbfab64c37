import { BrowserRouter, Navigate, Outlet, Route, Routes } from "react-router";
import { AdminCalendarSettingsPage } from "./admin/admin-calendar-settings-page";
import { AgendaPage } from "./agenda/agenda-page";
import { ApiProvider } from "./api/api-provider";
import { OutlookCallbackPage } from "./callback/outlook-callback-page";
import { AppShell } from "./layout/app-shell";
import { MainNavigation } from "./layout/main-navigation";
import { NotFoundPage } from "./layout/not-found-page";
import { RequireUser } from "./session/current-user";
import { SignInPage } from "./session/sign-in-page";
import { CalendarSettingsPage } from "./settings/calendar-settings-page";

function SignedInLayout() {
  return (
    <RequireUser>
      <AppShell navigation={<MainNavigation />}>
        <Outlet />
      </AppShell>
    </RequireUser>
  );
}

function PublicLayout() {
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}

export function App() {
  return (
    <ApiProvider>
      <BrowserRouter>
        <Routes>
          <Route index element={<Navigate to="/agenda" replace />} />
          <Route element={<SignedInLayout />}>
            <Route path="/agenda" element={<AgendaPage />} />
            <Route path="/agenda/settings" element={<CalendarSettingsPage />} />
            <Route path="/calendar/callback/outlook" element={<OutlookCallbackPage />} />
            <Route path="/admin/calendar-settings" element={<AdminCalendarSettingsPage />} />
          </Route>
          <Route element={<PublicLayout />}>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </ApiProvider>
  );
}
